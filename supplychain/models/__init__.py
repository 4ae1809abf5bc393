"""Supply chain: group purchases and sample group orders (with their supply orders and shipments), joint
reserves, and the words of the book both post to in the platform's one journal (ledger.models). One module per
concept; every model is re-exported here, so the app label and the migrations do not depend on where a model is
written."""

from supplychain.models.group_buys import (
    DeliveryWindow, GroupBuy, GroupBuySupplier, Pledge, PriceTier, Settlement, Shipment, SupplyChainSettings,
    SupplyOrder, SupplyOrderLine, TraderPayment,
)
from supplychain.models.ledger import BOOK, PARTY_KINDS, PAYMENT_KINDS, AccountKind, Document, EntryKind
from supplychain.models.reserves import Drawdown, ReferencePrice, Replenishment, Reserve, ReserveShare

__all__ = [
    "BOOK", "PARTY_KINDS", "PAYMENT_KINDS", "AccountKind", "DeliveryWindow", "Document", "Drawdown", "EntryKind",
    "GroupBuy", "GroupBuySupplier", "Pledge", "PriceTier", "ReferencePrice", "Replenishment", "Reserve",
    "ReserveShare", "Settlement", "Shipment", "SupplyChainSettings", "SupplyOrder", "SupplyOrderLine",
    "TraderPayment",
]
