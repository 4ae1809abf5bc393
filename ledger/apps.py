from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    """The platform's money: one rule for fen and VAT (money.py), one double-entry ledger. Below every domain
    app that moves money (supplychain, finance, dataproducts), so each may post to it; it imports none of them."""

    name = "ledger"
    verbose_name = _("Ledger")
