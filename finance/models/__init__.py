from finance.models.certificates import Certificate, CertificateTransfer
from finance.models.early_payments import EarlyPayment
from finance.models.ip_loans import (
    IpLoanAction, IpLoanApplication, IpLoanDocument, IpLoanDocumentRequest, IpLoanInstalment, IpLoanPledge,
    IpLoanReminder, IpLoanRepayment,
)
from finance.models.payables import Payable
from finance.models.settings import FinanceSettings

__all__ = ["Certificate", "CertificateTransfer", "EarlyPayment", "FinanceSettings", "Payable",
           "IpLoanAction", "IpLoanApplication", "IpLoanDocument", "IpLoanDocumentRequest", "IpLoanInstalment",
           "IpLoanPledge", "IpLoanReminder", "IpLoanRepayment"]
