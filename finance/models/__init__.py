from finance.models.certificates import Certificate, CertificateTransfer
from finance.models.discounting import ClearingRun, DiscountOffer, DiscountProgramme
from finance.models.early_payments import EarlyPayment
from finance.models.financing import CreditLine, FinancingInvitation, FinancingQuote, FinancingRequest
from finance.models.ip_loans import (
    IpLoanAction, IpLoanApplication, IpLoanDocument, IpLoanDocumentRequest, IpLoanInstalment, IpLoanPledge,
    IpLoanReminder, IpLoanRepayment,
)
from finance.models.maturities import MaturityReminder
from finance.models.nettings import Netting, NettingLeg, NettingParty
from finance.models.payables import Payable
from finance.models.settings import FinanceSettings

__all__ = ["Certificate", "CertificateTransfer", "EarlyPayment", "FinanceSettings", "Netting", "NettingLeg",
           "NettingParty", "Payable",
           "IpLoanAction", "IpLoanApplication", "IpLoanDocument", "IpLoanDocumentRequest", "IpLoanInstalment",
           "IpLoanPledge", "IpLoanReminder", "IpLoanRepayment",
           "ClearingRun", "DiscountOffer", "DiscountProgramme",
           "CreditLine", "FinancingInvitation", "FinancingQuote", "FinancingRequest", "MaturityReminder"]
