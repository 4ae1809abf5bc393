"""The enterprise file (一企一档): what the government says of an enterprise (public records, with each value's
source and as-of date), what the platform knows of it in this brain (filled in by the apps that know it) and its
tags, cut to what the viewer may see."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Callable

from django.db.models import QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from brain.models import DataSource, PublicRecord, RecordType
from brain.selectors.sync import public_records_of
from brain.selectors.tags import TagView, enterprise_tag_views
from tenants.models import Enterprise, Membership


class EnterpriseFileNotFound(Exception):
    """No file of that enterprise in this brain for this viewer: the same answer for "none" and "not yours"."""


# Registry attributes of the file, in the order shown, and whether other members of the brain see them.
# Public: what the national enterprise credit publicity system shows anyone, and what a buyer needs to know who
# it deals with. Private: the legal representative (a person's name) and the registered capital (the size of
# the firm, a lever in price talks): only the enterprise itself and the brain's operators see those.
REGISTRY_FIELDS = (
    ("legal_name", _("legal name"), True),
    ("enterprise_type", _("enterprise type"), True),
    ("registered_capital", _("registered capital"), False),
    ("founded_on", _("founded on"), True),
    ("legal_representative", _("legal representative"), False),
    ("address", _("registered address"), True),
    ("region_code", _("region"), True),
    ("industry", _("industry code"), True),
    ("business_scope", _("business scope"), True),
    ("status", _("registration status"), True),
)
# Size figures, private like the capital. They come from whichever department reports them (the social insurance
# bureau's insured employees, the tax bureau's or statistics bureau's revenue), so every record type is searched
# and the newest as-of wins. Policy rules read them (brain.eligibility: size class, 规上).
SIZE_FIELDS = (
    ("employees", _("insured employees"), False),
    ("annual_revenue", _("annual revenue"), False),
)
FLAG_ATTRIBUTES = ("high_tech", "specialised_sme")


@dataclass(frozen=True)
class Fact:
    """One attribute with its provenance: the source that gave it (this brain's name of it) and its as-of date."""

    name: str
    label: str
    value: object
    source: str
    as_of: datetime | None
    public: bool = True

    @property
    def as_of_text(self) -> str:
        return self.as_of.date().isoformat() if self.as_of else ""


@dataclass(frozen=True)
class TaxCredit:
    rating: str
    year: str
    source: str
    as_of: datetime | None

    as_of_text = Fact.as_of_text


@dataclass(frozen=True)
class Patent:
    number: str
    title: str
    kind: str
    granted_on: str
    source: str
    as_of: datetime | None

    as_of_text = Fact.as_of_text


@dataclass(frozen=True)
class ProcessCapability:
    code: str
    name: str
    weekly_free_hours: Decimal | None = None


@dataclass
class PlatformFacts:
    """What the platform knows of the enterprise in this brain; apps fill it in (see `platform_facts_provide`)."""

    roles: list[str] = field(default_factory=list)
    membership_status: str = ""
    processes: list[ProcessCapability] = field(default_factory=list)
    materials: list[str] = field(default_factory=list)
    certifications: list[str] = field(default_factory=list)
    orders_won: int | None = 0  # None: not shown to this viewer
    completed_lines: int = 0
    on_time_rate: Decimal | None = None
    first_pass_yield: Decimal | None = None
    rating: Decimal | None = None
    ratings_count: int = 0

    @property
    def role_labels(self) -> list[str]:
        return [str(Membership.Role(role).label) for role in self.roles]

    @staticmethod
    def percent(ratio: Decimal | None) -> str:
        return "" if ratio is None else f"{ratio * 100:.1f}"

    @property
    def on_time_percent(self) -> str:
        return self.percent(self.on_time_rate)

    @property
    def first_pass_percent(self) -> str:
        return self.percent(self.first_pass_yield)


@dataclass
class EnterpriseFile:
    """An enterprise as this brain sees it. With `full` False, private parts are empty (not merely hidden)."""

    enterprise: Enterprise
    full: bool
    registry: list[Fact]
    flags: list[Fact]
    tax_credit: TaxCredit | None
    patents: list[Patent]
    platform: PlatformFacts
    tags: list[TagView] = field(default_factory=list)


# Apps that hold platform facts (capacity: capabilities, orders, delivery record) register a provider in their
# AppConfig.ready: provider(*, brain, enterprise_id, facts: PlatformFacts) -> None fills `facts` in place. So the
# file is assembled here without brain importing the apps that depend on it (DESIGN.md: dependencies point one way).
PLATFORM_FACT_PROVIDERS: list[Callable] = []


def platform_facts_provide(provider: Callable) -> None:
    if provider not in PLATFORM_FACT_PROVIDERS:
        PLATFORM_FACT_PROVIDERS.append(provider)


def _source_names(*, brain, records: list[PublicRecord]) -> dict[int, str]:
    ids = {fact.get("s") for record in records for fact in record.facts.values()}
    return dict(DataSource.objects.in_brain(brain).filter(pk__in=[i for i in ids if i]).values_list("pk", "name"))


def enterprise_file_visibility(*, brain, enterprise_id: int, viewer) -> tuple[Membership, bool]:
    """(the enterprise's membership of `brain`, whether the viewer sees the private part), or
    EnterpriseFileNotFound. `viewer` None is the platform itself (tagging): it sees all."""
    membership = Membership.objects.in_brain(brain).select_related("enterprise").filter(
        enterprise_id=enterprise_id).first()
    if membership is None:
        raise EnterpriseFileNotFound
    if viewer is None or viewer.is_operator:
        return membership, True
    own = viewer.membership
    if own is not None and own.enterprise_id == enterprise_id and viewer.is_member:
        return membership, True
    if viewer.is_member and membership.status == Membership.Status.ACTIVE:
        return membership, False
    raise EnterpriseFileNotFound


def enterprise_file_list(*, brain, viewer) -> QuerySet[Membership]:
    """Memberships whose files the viewer may open: every one for operators, the active ones for members."""
    memberships = Membership.objects.in_brain(brain).select_related("enterprise").order_by(
        "enterprise__legal_name", "enterprise_id")
    if viewer.is_operator:
        return memberships
    if not viewer.is_member:
        return memberships.none()
    return memberships.filter(status=Membership.Status.ACTIVE)


def enterprise_file(*, brain, enterprise: Enterprise | int, viewer) -> EnterpriseFile:
    """The enterprise file (一企一档) of one enterprise of `brain`, cut to what `viewer` may see."""
    enterprise_id = getattr(enterprise, "pk", enterprise)
    membership, full = enterprise_file_visibility(brain=brain, enterprise_id=enterprise_id,
                                                  viewer=viewer)
    enterprise = membership.enterprise
    records = public_records_of(credit_code=enterprise.credit_code)
    names = _source_names(brain=brain, records=records)

    def fact(name, label, raw, public=True) -> Fact:
        source_id = raw.get("s")
        source = names.get(source_id) or (_("a source of another brain") if source_id else "")
        return Fact(name, str(label), raw.get("v"), str(source), parse_datetime(raw["t"]) if raw.get("t") else None,
                    public)

    # The registration record keyed by the credit code first, then any other registration record.
    registrations = sorted((r for r in records if r.record_type == RecordType.REGISTRATION),
                           key=lambda r: r.record_id != enterprise.credit_code)
    registry = []
    for name, label, public in REGISTRY_FIELDS:
        raw = next((r.facts[name] for r in registrations if name in r.facts), None)
        if raw is None:
            fallback = getattr(enterprise, name, "") if name in ("legal_name", "address", "region_code") else ""
            if not fallback:
                continue
            registry.append(Fact(name, str(label), fallback, str(_("as registered on the platform")), None, public))
        elif public or full:
            registry.append(fact(name, label, raw, public))
    for name, label, public in SIZE_FIELDS:
        held = [r.facts[name] for r in records if name in r.facts]
        if held and (public or full):
            registry.append(fact(name, label, max(held, key=lambda raw: raw.get("t") or ""), public))
    flags = [fact(name, name, r.facts[name]) for r in records for name in FLAG_ATTRIBUTES if name in r.facts]

    tax_credit = None
    taxes = [r for r in records if r.record_type == RecordType.TAX_CREDIT and "rating" in r.facts]
    if taxes and full:
        latest = max(taxes, key=lambda r: (str(r.values.get("year", "")), r.facts["rating"].get("t", "")))
        rating = fact("rating", "rating", latest.facts["rating"])
        tax_credit = TaxCredit(str(rating.value), str(latest.values.get("year", "")), rating.source, rating.as_of)
    patents = []
    for record in (r for r in records if r.record_type == RecordType.PATENT and r.facts):
        title = fact("title", "title", record.facts.get("title") or next(iter(record.facts.values())))
        values = record.values
        patents.append(Patent(record.record_id, str(values.get("title", "")), str(values.get("kind", "")),
                              str(values.get("granted_on", "")), title.source, title.as_of))

    platform = PlatformFacts(roles=list(membership.roles), membership_status=membership.status)
    for provider in PLATFORM_FACT_PROVIDERS:
        provider(brain=brain, enterprise_id=enterprise_id, facts=platform)
    if not full:
        # The delivery record (on-time rate, first-pass yield, rating) stays public: every member reads it on the
        # supplier map already. The business volume (orders won) is the enterprise's own.
        platform.orders_won = None
    made = EnterpriseFile(enterprise, full, registry, flags, tax_credit, patents, platform)
    made.tags = enterprise_tag_views(brain=brain, enterprise_id=enterprise_id, full=full)
    return made
