"""Joint reserves (联储联备).

The brain holds stock of a critical material for members that committed shares of it. Members draw against
their share at the reserve's price, and beyond it at a surcharge from the stock nobody else's share needs;
the price follows the reference price the operator records (Reserve.unit_price_for); stock below the
threshold opens a replenishment from the reserve's supplier. Rules: supplychain/services/reserves.py.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ledger.models import Entry
from ledger.money import FEN, ZERO, fen
from supplychain.models.ledger import CNY
from tenants.models import BrainOwned, ChangeTracked, Enterprise, User

__all__ = ["Drawdown", "ReferencePrice", "Replenishment", "Reserve", "ReserveShare"]


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
    # its entry in supplychain's book of the one journal (no reverse accessor: the ledger knows no app above it)
    entry = models.OneToOneField(Entry, on_delete=models.PROTECT, related_name="+")
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
    entry = models.OneToOneField(Entry, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
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
