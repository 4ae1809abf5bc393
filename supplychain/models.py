"""Supply chain: group purchases (集采) and sample group orders (拼单下样), and the brain's ledger.

A group purchase pools members' pledges of one item until a deadline; the total fixes the price tier that
applies to everyone. A sample group order is the same engine with a trader's style and a factory's minimum
(kind = sample_order). The ledger records money in (members) and bills out (suppliers), balanced by the
database.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from ledger.money import FEN, fen
from tenants.models import BrainOwned, ChangeTracked, Enterprise, User

ZERO = Decimal("0.00")
CNY = "CNY"


class SupplyChainSettings(ChangeTracked, BrainOwned):
    """A brain's choices for pooled buying, set by its operators."""

    members_may_open = models.BooleanField(_("buyer members may open group purchases"), default=False)

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


# --- The ledger (money in, bills out) ----------------------------------------------------------------------


class LedgerAccount(BrainOwned):
    """One account of the brain's books. Members' and suppliers' accounts carry their enterprise."""

    class Kind(models.TextChoices):
        BANK = "bank", _("bank")  # asset: money the brain holds
        MEMBER = "member", _("member receivable")  # asset: what a member owes (negative: paid in advance)
        SUPPLIER = "supplier", _("supplier payable")  # liability: what the brain owes a supplier
        FEES = "fees", _("service fee income")  # income
        VAT = "vat", _("output VAT on fees")  # liability to the tax office
        # Joint reserves (see the section at the end): the stock at cost, its sales, their cost and the VAT
        INVENTORY = "inventory", _("reserve inventory")  # asset: reserve stock at its average cost
        SALES = "sales", _("reserve sales income")  # income: draws, net of VAT
        COGS = "cogs", _("cost of reserve sales")  # expense: the stock's cost released by draws
        SALES_VAT = "sales_vat", _("output VAT on reserve sales")  # liability to the tax office
        INPUT_VAT = "input_vat", _("input VAT on reserve purchases")  # asset: deductible VAT

    kind = models.CharField(max_length=10, choices=Kind.choices)
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    currency = models.CharField(max_length=3, default=CNY)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["brain", "kind", "enterprise", "currency"], nulls_distinct=False,
                                    name="one_account_per_kind_and_enterprise"),
            models.CheckConstraint(name="party_accounts_have_their_enterprise", condition=(
                models.Q(kind__in=["member", "supplier"], enterprise__isnull=False)
                | models.Q(~models.Q(kind__in=["member", "supplier"]), enterprise__isnull=True))),
        ]


class JournalEntry(BrainOwned):
    """A balanced set of ledger lines: the database refuses to commit one whose debits and credits differ."""

    class Kind(models.TextChoices):
        LOCK = "lock", _("campaign locked: goods and fees charged")
        MEMBER_PAYMENT = "member_payment", _("payment received from a member")
        MEMBER_REFUND = "member_refund", _("refund paid to a member")
        SUPPLIER_PAYMENT = "supplier_payment", _("payment made to a supplier")
        RESERVE_DRAW = "reserve_draw", _("reserve drawdown charged")
        RESERVE_RECEIPT = "reserve_receipt", _("reserve replenishment received")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    group_buy = models.ForeignKey(GroupBuy, on_delete=models.PROTECT, null=True, blank=True, related_name="entries")
    reserve = models.ForeignKey("Reserve", on_delete=models.PROTECT, null=True, blank=True, related_name="entries")
    memo = models.CharField(_("memo"), max_length=300, blank=True)
    reference = models.CharField(_("bank reference"), max_length=100, blank=True)
    booked_on = models.DateField(default=timezone.localdate)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]


PAYMENT_KINDS = [(kind, label) for kind, label in JournalEntry.Kind.choices if kind != JournalEntry.Kind.LOCK]


class JournalLine(BrainOwned):
    entry = models.ForeignKey(JournalEntry, on_delete=models.CASCADE, related_name="lines")
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="lines")
    debit = models.DecimalField(max_digits=16, decimal_places=2, default=ZERO)
    credit = models.DecimalField(max_digits=16, decimal_places=2, default=ZERO)

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(name="one_side_positive", condition=(
            models.Q(debit__gt=0, credit=0) | models.Q(debit=0, credit__gt=0)))]


# --- Joint reserves (联储联备) ------------------------------------------------------------------------------
# The brain holds stock of a critical material for members that committed shares of it. Members draw against
# their share at the reserve's price, and beyond it at a surcharge from the stock nobody else's share needs;
# the price follows the reference price the operator records (Reserve.unit_price_for); stock below the
# threshold opens a replenishment from the reserve's supplier. Rules: supplychain/services/reserves.py.


class Reserve(ChangeTracked, BrainOwned):
    """One reserve of one material: its price rule, stock (with its cost), replenishment rule and supplier."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        CLOSED = "closed", _("closed")

    number = models.CharField(_("number"), max_length=30)
    title = models.CharField(_("title"), max_length=200)
    material_grade = models.CharField(_("material grade"), max_length=100)
    specification = models.CharField(_("specification"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=20)
    # The price rule: unit price = base price × (1 + pass-through × (reference − base reference) / base reference)
    currency = models.CharField(max_length=3, default=CNY)
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2, default=Decimal("13.00"),
                                   validators=[MinValueValidator(0), MaxValueValidator(100)])
    prices_include_vat = models.BooleanField(_("prices include VAT"), default=True)
    base_price = models.DecimalField(_("base unit price"), max_digits=14, decimal_places=2)
    base_reference_price = models.DecimalField(_("base reference price"), max_digits=14, decimal_places=2)
    pass_through_percent = models.DecimalField(_("reference price change passed on (%)"), max_digits=5,
                                               decimal_places=2, default=Decimal("100.00"),
                                               validators=[MinValueValidator(0), MaxValueValidator(100)])
    surcharge_percent = models.DecimalField(_("surcharge beyond a share (%)"), max_digits=5, decimal_places=2,
                                            default=ZERO, validators=[MinValueValidator(0), MaxValueValidator(100)])
    # Stock, and its cost net of VAT at the moving average: the ledger's inventory account holds the same sum
    stock = models.DecimalField(_("stock"), max_digits=14, decimal_places=3, default=Decimal("0"))
    inventory_value = models.DecimalField(_("stock at cost"), max_digits=16, decimal_places=2, default=ZERO)
    replenish_threshold = models.DecimalField(_("replenish below"), max_digits=14, decimal_places=3)
    replenish_to = models.DecimalField(_("replenish up to"), max_digits=14, decimal_places=3)
    supplier = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("supplier"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("joint reserve")
        verbose_name_plural = _("joint reserves")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["brain", "number"], name="reserve_number_unique"),
            # Concurrent draws are serialised by the reserve's row lock; this is the floor under any path.
            models.CheckConstraint(name="reserve_stock_not_negative", condition=models.Q(stock__gte=0)),
            models.CheckConstraint(name="reserve_value_goes_with_stock", condition=(
                models.Q(inventory_value__gte=0) & (models.Q(stock__gt=0) | models.Q(inventory_value=0)))),
            models.CheckConstraint(name="reserve_prices_positive",
                                   condition=models.Q(base_price__gt=0, base_reference_price__gt=0)),
            models.CheckConstraint(name="reserve_percentages_in_range", condition=models.Q(
                pass_through_percent__gte=0, pass_through_percent__lte=100, surcharge_percent__gte=0,
                surcharge_percent__lte=100, vat_rate__gte=0, vat_rate__lte=100)),
            models.CheckConstraint(name="reserve_replenishment_rule", condition=models.Q(
                replenish_threshold__gt=0, replenish_to__gt=models.F("replenish_threshold"))),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def unit_price_for(self, reference: Decimal | None) -> Decimal:
        """The unit price (as the reserve states prices, with or without VAT) while `reference` is the latest
        reference price (None: none recorded yet, the base price applies). To the fen, never below one fen."""
        if reference is None:
            return self.base_price
        change = (reference - self.base_reference_price) / self.base_reference_price
        price = self.base_price * (1 + self.pass_through_percent / 100 * change)
        return max(fen(price), FEN)

    def beyond_price_for(self, unit_price: Decimal) -> Decimal:
        """The unit price of a draw beyond the member's share: the unit price with the surcharge, to the fen."""
        return fen(unit_price * (1 + self.surcharge_percent / 100))


class ReserveShare(ChangeTracked, BrainOwned):
    """A participating member's committed quantity and what it has drawn against it (and beyond it)."""

    reserve = models.ForeignKey(Reserve, on_delete=models.CASCADE, related_name="shares")
    member = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("member"))
    committed = models.DecimalField(_("committed quantity"), max_digits=14, decimal_places=3)
    drawn = models.DecimalField(_("drawn within the share"), max_digits=14, decimal_places=3, default=Decimal("0"))
    drawn_beyond = models.DecimalField(_("drawn beyond the share"), max_digits=14, decimal_places=3,
                                       default=Decimal("0"))
    committed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    committed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["reserve", "id"]
        constraints = [
            models.UniqueConstraint(fields=["reserve", "member"], name="one_share_per_member_and_reserve"),
            models.CheckConstraint(name="share_never_negative", condition=models.Q(
                committed__gte=0, drawn__gte=0, drawn_beyond__gte=0, drawn__lte=models.F("committed"))),
        ]

    @property
    def remaining(self) -> Decimal:
        return self.committed - self.drawn


class ReferencePrice(BrainOwned):
    """A market price of the material the operator records (e.g. a day's quote); the latest prices every draw
    from then on. `unit_price` is the reserve's unit price it made, kept for the history."""

    reserve = models.ForeignKey(Reserve, on_delete=models.CASCADE, related_name="reference_prices")
    value = models.DecimalField(_("reference price"), max_digits=14, decimal_places=2)
    quoted_on = models.DateField(_("quoted on"))
    source = models.CharField(_("source"), max_length=200)
    unit_price = models.DecimalField(_("unit price from then on"), max_digits=14, decimal_places=2)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-quoted_on", "-id"]
        constraints = [models.CheckConstraint(name="reference_price_positive",
                                              condition=models.Q(value__gt=0, unit_price__gt=0))]


class Drawdown(BrainOwned):
    """A member takes material from the reserve: the part within its share at the unit price, the rest at the
    surcharged price; charged to the fen, with the stock's cost it released."""

    reserve = models.ForeignKey(Reserve, on_delete=models.PROTECT, related_name="drawdowns")
    share = models.ForeignKey(ReserveShare, on_delete=models.PROTECT, related_name="drawdowns")
    member = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("member"))
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    within_share = models.DecimalField(_("within the share"), max_digits=14, decimal_places=3)
    beyond_share = models.DecimalField(_("beyond the share"), max_digits=14, decimal_places=3)
    reference_price = models.ForeignKey(ReferencePrice, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+")  # the one that priced it; none: the base price
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=2)
    beyond_unit_price = models.DecimalField(_("unit price beyond the share"), max_digits=14, decimal_places=2)
    surcharge = models.DecimalField(_("surcharge"), max_digits=14, decimal_places=2)  # included in net + vat
    net = models.DecimalField(max_digits=14, decimal_places=2)
    vat = models.DecimalField(max_digits=14, decimal_places=2)
    cost = models.DecimalField(max_digits=16, decimal_places=2)  # the stock's average cost it took out
    currency = models.CharField(max_length=3, default=CNY)
    note = models.CharField(_("note"), max_length=300, blank=True)
    entry = models.OneToOneField(JournalEntry, on_delete=models.PROTECT, related_name="drawdown")
    drawn_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-drawn_at", "-id"]
        constraints = [models.CheckConstraint(name="drawdown_parts_add_up", condition=models.Q(
            quantity__gt=0, within_share__gte=0, beyond_share__gte=0,
            quantity=models.F("within_share") + models.F("beyond_share")))]

    @property
    def total(self) -> Decimal:
        return self.net + self.vat


class Replenishment(ChangeTracked, BrainOwned):
    """An order to the reserve's supplier opened when stock fell below the threshold, up to the target level;
    at most one is open per reserve. Receiving it adds the stock at its cost."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        RECEIVED = "received", _("received")
        CANCELLED = "cancelled", _("cancelled")

    reserve = models.ForeignKey(Reserve, on_delete=models.PROTECT, related_name="replenishments")
    number = models.CharField(_("number"), max_length=30)
    supplier = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("supplier"))
    quantity = models.DecimalField(_("quantity ordered"), max_digits=14, decimal_places=3)
    stock_at_opening = models.DecimalField(_("stock when opened"), max_digits=14, decimal_places=3)
    drawdown = models.ForeignKey(Drawdown, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(default=timezone.now)
    received_quantity = models.DecimalField(_("quantity received"), max_digits=14, decimal_places=3, null=True,
                                            blank=True)
    unit_cost = models.DecimalField(_("unit cost"), max_digits=14, decimal_places=2, null=True, blank=True)
    net = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    vat = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    note_number = models.CharField(_("delivery note"), max_length=60, blank=True)
    entry = models.OneToOneField(JournalEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    received_at = models.DateTimeField(null=True, blank=True)
    received_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    cancel_reason = models.CharField(_("reason"), max_length=300, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["brain", "number"], name="replenishment_number_unique"),
            # Draws racing below the threshold open one replenishment, not one each.
            models.UniqueConstraint(fields=["reserve"], condition=models.Q(status="open"),
                                    name="one_open_replenishment_per_reserve"),
            models.CheckConstraint(name="replenishment_quantities_positive", condition=models.Q(
                quantity__gt=0) & (models.Q(received_quantity__isnull=True) | models.Q(received_quantity__gt=0))),
        ]

    def __str__(self) -> str:
        return self.number
