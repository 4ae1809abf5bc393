from finance.models.certificates import Certificate, CertificateTransfer
from finance.models.payables import Payable
from finance.models.settings import FinanceSettings

__all__ = ["Certificate", "CertificateTransfer", "FinanceSettings", "Payable"]
