"""Group purchases (集采) and sample group orders (拼单下样): the campaign, its price tiers, suppliers and delivery
windows, the members' pledges, the settlements fixed at the lock, and the supply orders, their lines and the
shipments that deliver them.

A group purchase pools members' pledges of one item until a deadline; the total fixes the price tier that
applies to everyone. A sample group order is the same engine with a trader's style and a factory's minimum
(kind = sample_order). Supply orders and shipments belong to the campaign: the lock makes them, and the last
receipt completes it.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from ledger.money import ZERO
from supplychain.models.ledger import CNY
from tenants.models import BrainOwned, ChangeTracked, Enterprise, User

__all__ = [
    "DeliveryWindow", "GroupBuy", "GroupBuySupplier", "Pledge", "PriceTier", "Settlement", "Shipment",
    "SupplyChainSettings", "SupplyOrder", "SupplyOrderLine", "TraderPayment",
]


class SupplyChainSettings(ChangeTracked, BrainOwned):
    """A brain's choices for pooled buying, set by its operators."""

    members_may_open = models.BooleanField(_("buyer members may open group purchases"), default=False)
    # The brain has no enterprise of its own: the member that trades for it (平台贸易商) sells the pooled goods to
    # the members, so what a member owes for its allocation is owed to this enterprise (finance records it).
    trader = models.ForeignKey(Enterprise, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("the brain's trader (平台贸易商)"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["brain"], name="one_supply_chain_settings_per_brain")]


class GroupBuy(ChangeTracked, BrainOwned):
    """A campaign: the item, its price tiers by total quantity, the rules for members, the deadline."""

    class Kind(models.TextChoices):
        GROUP_PURCHASE = "group_purchase", _("group purchase")
        SAMPLE_ORDER = "sample_order", _("sample group order")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("open for pledges")
        AWAITING_SUPPLIER = "awaiting_supplier", _("waiting for the supplier")
        LOCKED = "locked", _("locked")
        CANCELLED = "cancelled", _("cancelled")
        COMPLETED = "completed", _("completed")

    class OnFailure(models.TextChoices):
        CANCEL = "cancel", _("cancel")
        EXTEND = "extend", _("extend the deadline once")
        PROCEED = "proceed", _("proceed at the tier reached, if the supplier agrees")

    class FeeMode(models.TextChoices):
        PERCENT = "percent", _("percentage of the goods value")
        PER_UNIT = "per_unit", _("per unit")
        PER_PARTICIPANT = "per_participant", _("per participant")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.GROUP_PURCHASE)
    number = models.CharField(_("number"), max_length=30)
    title = models.CharField(_("title"), max_length=200)
    # The item
    material_grade = models.CharField(_("material grade"), max_length=100)
    specification = models.CharField(_("specification"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=20)
    style = models.CharField(_("style"), max_length=200, blank=True)  # sample orders: the trader's style
    target_price = models.DecimalField(_("target unit price"), max_digits=14, decimal_places=2, null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    # Prices: every tier's unit price carries this VAT rate, with or without it included
    currency = models.CharField(max_length=3, default=CNY)
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2, default=Decimal("13.00"),
                                   validators=[MinValueValidator(0), MaxValueValidator(100)])
    prices_include_vat = models.BooleanField(_("prices include VAT"), default=True)
    # Rules
    minimum_total = models.DecimalField(_("minimum total quantity"), max_digits=14, decimal_places=3)
    member_minimum = models.DecimalField(_("minimum per member"), max_digits=14, decimal_places=3)
    member_maximum = models.DecimalField(_("maximum per member"), max_digits=14, decimal_places=3, null=True,
                                         blank=True)
    increment = models.DecimalField(_("quantity step"), max_digits=14, decimal_places=3)
    deadline = models.DateTimeField(_("deadline"))
    deposit_percent = models.DecimalField(_("deposit (%)"), max_digits=5, decimal_places=2, default=ZERO,
                                          validators=[MinValueValidator(0), MaxValueValidator(100)])
    fee_mode = models.CharField(_("service fee"), max_length=20, choices=FeeMode.choices, default=FeeMode.PERCENT)
    fee_value = models.DecimalField(_("service fee value"), max_digits=14, decimal_places=2, default=ZERO)
    fee_vat_rate = models.DecimalField(_("service fee VAT rate (%)"), max_digits=5, decimal_places=2,
                                       default=Decimal("6.00"))
    on_failure = models.CharField(_("if the minimum is not reached"), max_length=10, choices=OnFailure.choices,
                                  default=OnFailure.CANCEL)
    extension_days = models.PositiveSmallIntegerField(_("extension (days)"), default=7)
    extended = models.BooleanField(default=False)
    # Days a member has to pay the brain's trader for its goods after receiving the last of them; none stated: 60,
    # the law's limit for a large enterprise paying an SME (保障中小企业款项支付条例).
    payment_days = models.PositiveSmallIntegerField(_("payment terms (days after receipt)"), null=True, blank=True,
                                                    validators=[MaxValueValidator(365)])
    # Who and when
    status = FSMField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    organiser = models.ForeignKey(Enterprise, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("organising member"))  # none: the brain's operator opened it
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)  # locked or cancelled
    locked_price = models.DecimalField(_("locked unit price"), max_digits=14, decimal_places=2, null=True, blank=True)
    locked_total = models.DecimalField(_("locked total quantity"), max_digits=14, decimal_places=3, null=True,
                                       blank=True)
    cancel_reason = models.CharField(_("reason"), max_length=300, blank=True)

    sync_children = ("pledges__updated_at",)

    class Meta:
        verbose_name = _("group purchase")
        verbose_name_plural = _("group purchases")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["brain", "number"], name="group_buy_number_unique"),
            models.CheckConstraint(name="group_buy_quantities_positive",
                                   condition=models.Q(minimum_total__gt=0, member_minimum__gt=0, increment__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @transition(field=status, source=Status.DRAFT, target=Status.OPEN)
    def open(self) -> None:
        self.opened_at = timezone.now()

    @transition(field=status, source=[Status.OPEN, Status.AWAITING_SUPPLIER], target=Status.LOCKED)
    def lock(self, *, price: Decimal, total: Decimal) -> None:
        self.locked_price, self.locked_total, self.decided_at = price, total, timezone.now()

    @transition(field=status, source=Status.OPEN, target=Status.AWAITING_SUPPLIER)
    def ask_supplier(self) -> None:
        pass

    @transition(field=status, source=[Status.DRAFT, Status.OPEN, Status.AWAITING_SUPPLIER], target=Status.CANCELLED)
    def cancel(self, *, reason: str) -> None:
        self.cancel_reason, self.decided_at = reason, timezone.now()

    @transition(field=status, source=Status.LOCKED, target=Status.COMPLETED)
    def complete(self) -> None:
        pass

    def is_open_at(self, moment) -> bool:
        return self.status == self.Status.OPEN and moment < self.deadline


class PriceTier(BrainOwned):
    """From `min_total` of the campaign's total on, every member pays `unit_price` (the highest tier reached)."""

    group_buy = models.ForeignKey(GroupBuy, on_delete=models.CASCADE, related_name="tiers")
    min_total = models.DecimalField(_("from total quantity"), max_digits=14, decimal_places=3)
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["min_total"]
        constraints = [
            models.UniqueConstraint(fields=["group_buy", "min_total"], name="one_tier_per_threshold"),
            models.CheckConstraint(name="tier_positive", condition=models.Q(min_total__gt=0, unit_price__gt=0)),
        ]


class GroupBuySupplier(BrainOwned):
    """A supplier of the campaign, in order: pledges are allocated to the first until its capacity is full."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("not asked")
        AGREED = "agreed", _("agreed")
        DECLINED = "declined", _("declined")

    group_buy = models.ForeignKey(GroupBuy, on_delete=models.CASCADE, related_name="suppliers")
    supplier = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("supplier"))
    position = models.PositiveSmallIntegerField(default=0)
    capacity = models.DecimalField(_("most it supplies"), max_digits=14, decimal_places=3, null=True, blank=True)
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["group_buy", "supplier"], name="one_row_per_supplier")]


class DeliveryWindow(BrainOwned):
    group_buy = models.ForeignKey(GroupBuy, on_delete=models.CASCADE, related_name="windows")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [models.CheckConstraint(name="window_in_order", condition=models.Q(ends_on__gte=models.F("starts_on")))]

    def __str__(self) -> str:
        return f"{self.starts_on:%Y-%m-%d} – {self.ends_on:%Y-%m-%d}"


class Pledge(ChangeTracked, BrainOwned):
    """A member's quantity, delivery address and window; changed or withdrawn until the deadline."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        WITHDRAWN = "withdrawn", _("withdrawn")

    group_buy = models.ForeignKey(GroupBuy, on_delete=models.CASCADE, related_name="pledges")
    member = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("member"))
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    address = models.CharField(_("delivery address"), max_length=300)
    window = models.ForeignKey(DeliveryWindow, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("delivery window"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    pledged_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    pledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pledged_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["group_buy", "member"], name="one_pledge_per_member"),
            models.CheckConstraint(name="pledge_positive", condition=models.Q(quantity__gt=0)),
        ]


class Settlement(BrainOwned):
    """What one member owes for a locked campaign, fixed to the fen at the lock; with its VAT invoice data."""

    group_buy = models.ForeignKey(GroupBuy, on_delete=models.CASCADE, related_name="settlements")
    pledge = models.OneToOneField(Pledge, on_delete=models.PROTECT, related_name="settlement")
    member = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(max_digits=14, decimal_places=3)
    unit_price = models.DecimalField(max_digits=14, decimal_places=2)  # as the campaign states it (incl. VAT or not)
    goods_net = models.DecimalField(max_digits=14, decimal_places=2)
    goods_vat = models.DecimalField(max_digits=14, decimal_places=2)
    fee_net = models.DecimalField(max_digits=14, decimal_places=2)
    fee_vat = models.DecimalField(max_digits=14, decimal_places=2)
    deposit_due = models.DecimalField(max_digits=14, decimal_places=2)
    tier_saving = models.DecimalField(max_digits=14, decimal_places=2)  # against the first tier's price
    currency = models.CharField(max_length=3, default=CNY)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    @property
    def goods_total(self) -> Decimal:
        return self.goods_net + self.goods_vat

    @property
    def fee_total(self) -> Decimal:
        return self.fee_net + self.fee_vat

    @property
    def total(self) -> Decimal:
        return self.goods_total + self.fee_total


class TraderPayment(BrainOwned):
    """A member's goods paid on its payable to the brain's trader (finance: paid, to the trader or the financing
    bank, or netted), booked once in the campaign's books as the member's payment. Finance's event names the
    payable only by its id (supplychain never reads finance); the database allows one per payable and kind, so a
    re-delivered event or two workers at once book it once."""

    class Kind(models.TextChoices):
        PAID = "paid", _("paid")
        NETTED = "netted", _("netted")

    settlement = models.ForeignKey(Settlement, on_delete=models.PROTECT, related_name="trader_payments")
    payable_id = models.BigIntegerField()  # finance's payable (no foreign key: supplychain does not import finance)
    payable_number = models.CharField(max_length=30, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    paid_on = models.DateField()
    entry = models.OneToOneField("ledger.Entry", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["brain", "payable_id", "kind"], name="one_trader_payment_per_payable"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="trader_payment_positive"),
        ]


class SupplyOrder(ChangeTracked, BrainOwned):
    """One order per supplier of a locked campaign, with the split per member (its lines)."""

    group_buy = models.ForeignKey(GroupBuy, on_delete=models.CASCADE, related_name="orders")
    supplier = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(max_length=30)
    quantity = models.DecimalField(max_digits=14, decimal_places=3)
    goods_net = models.DecimalField(max_digits=14, decimal_places=2)
    goods_vat = models.DecimalField(max_digits=14, decimal_places=2)
    created_at = models.DateTimeField(default=timezone.now)

    sync_children = ("lines__updated_at",)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["brain", "number"], name="supply_order_number_unique")]


class SupplyOrderLine(ChangeTracked, BrainOwned):
    """A member's share of a supplier's order, delivered to its address in its window, maybe in parts."""

    order = models.ForeignKey(SupplyOrder, on_delete=models.CASCADE, related_name="lines")
    pledge = models.ForeignKey(Pledge, on_delete=models.PROTECT, related_name="order_lines")
    member = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(max_digits=14, decimal_places=3)
    shipped = models.DecimalField(max_digits=14, decimal_places=3, default=Decimal("0"))
    received = models.DecimalField(max_digits=14, decimal_places=3, default=Decimal("0"))

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(name="shipped_within_line",
                                   condition=models.Q(shipped__gte=0, shipped__lte=models.F("quantity"))),
            models.CheckConstraint(name="received_within_shipped",
                                   condition=models.Q(received__gte=0, received__lte=models.F("shipped"))),
        ]


class Shipment(BrainOwned):
    """The supplier ships part or all of a line; the member confirms receipt (possibly less)."""

    line = models.ForeignKey(SupplyOrderLine, on_delete=models.CASCADE, related_name="shipments")
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    note_number = models.CharField(_("delivery note"), max_length=60)
    shipped_on = models.DateField(_("shipped on"))
    shipped_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    received_quantity = models.DecimalField(max_digits=14, decimal_places=3, null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    received_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(name="shipment_positive", condition=models.Q(quantity__gt=0))]
