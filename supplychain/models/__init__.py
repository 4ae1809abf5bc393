"""Supply chain: group purchases and sample group orders (with their supply orders and shipments), joint
reserves, and the brain's ledger that books both. One module per concept; every model is re-exported here, so the
app label and the migrations do not depend on where a model is written."""

from supplychain.models.group_buys import (
    DeliveryWindow, GroupBuy, GroupBuySupplier, Pledge, PriceTier, Settlement, Shipment, SupplyChainSettings,
    SupplyOrder, SupplyOrderLine,
)
from supplychain.models.ledger import PAYMENT_KINDS, JournalEntry, JournalLine, LedgerAccount
from supplychain.models.reserves import Drawdown, ReferencePrice, Replenishment, Reserve, ReserveShare

__all__ = [
    "PAYMENT_KINDS", "DeliveryWindow", "Drawdown", "GroupBuy", "GroupBuySupplier", "JournalEntry", "JournalLine",
    "LedgerAccount", "Pledge", "PriceTier", "ReferencePrice", "Replenishment", "Reserve", "ReserveShare",
    "Settlement", "Shipment", "SupplyChainSettings", "SupplyOrder", "SupplyOrderLine",
]
