"""Every brain API endpoint, declared once for the suites that run on all of them (NetBox's generic test cases).

An endpoint is its router basename with
- `make(brain, owner, n=0)`: the n-th object of its own in `brain` that `owner` (a user of `brain`) sees, built
  through the services as the application would; and
- `sends`: what each of its operations other than reading (`GET list`, `GET detail`) is sent, keyed
  "<METHOD> <route>", where the route is the router name without the basename: "POST list" (create),
  "PATCH detail", "DELETE detail", "POST publish", "GET comparison-xlsx". A body that names objects of another
  brain is a function of that brain's object (it is called in that object's brain).

`tests/test_cross_brain.py` runs the cross-brain suite on every operation the routers serve and
`tests/test_query_counts.py` lists every list endpoint at two sizes; both take the operations from the routers
(`brain_api_operations`), so a new endpoint or action fails them until it is declared here.
"""

import itertools
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any, Callable

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from capacity.models import (
    BoardSettings, PurchaseOrder, Rfq, SupplierRating, WorkOrder,
)
from capacity.services import (
    awards, change_requests, deliveries, profiles, projects, ratings, rfqs, trials, work_orders,
)
from capacity.services.attachments import Upload
from conftest import join, make_enterprise, make_user
from tenants import webhooks
from tenants.context import brain_context
from tenants.models import BrainStaff, Membership, Notification, Process, User

# --- The operations the brain API serves --------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    """One method of one route of the brain API, as the URL configuration serves it."""

    name: str  # the route's URL name: "rfq-publish"
    basename: str  # the router basename: "rfq"
    method: str  # "get", "post", …
    detail: bool  # its URL names an object
    open_to_non_members: bool = False  # the viewset lets callers who are not members of the brain in

    @property
    def route(self):
        return self.name.removeprefix(f"{self.basename}-")

    @property
    def key(self):
        """How `Endpoint.sends` names it: "POST publish"."""
        return f"{self.method.upper()} {self.route}"

    def __str__(self):
        return f"{self.method.upper()} {self.name}"


def brain_api_operations():
    """Every operation mounted under /api/v1/brains/<brain>/, read from the URL configuration itself (so a
    route added outside the routers is found too), each once."""
    from config.urls import brain_api, brain_api_routers

    basenames = {viewset: basename for router in brain_api_routers for _p, viewset, basename in router.registry}
    found = {}
    for pattern in brain_api:
        callback = pattern.callback
        viewset = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        methods = (callback.actions if getattr(callback, "actions", None)
                   else {m: m for m in getattr(viewset, "http_method_names", ()) if hasattr(viewset, m)})
        basename = basenames.get(viewset, pattern.name)
        detail = "pk" in pattern.pattern.regex.groupindex or getattr(callback, "initkwargs", {}).get("detail") is True
        for method, action in methods.items():
            if method in ("head", "options"):
                continue
            operation = Operation(
                name=pattern.name, basename=basename, method=method, detail=detail,
                open_to_non_members=action in getattr(viewset, "open_to_non_members", ()))
            found.setdefault((operation.name, method), operation)
    return sorted(found.values(), key=str)


# --- What each operation is sent ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Send:
    """What an operation is sent, when a plain body does not say it all."""

    body: Any = None  # a dict, or a function of the object (of either brain) giving one
    multipart: bool = False  # a file upload
    make: Callable | None = None  # the objects it acts on, where they are not the endpoint's usual ones
    own: int | None = None  # the status one's own object gets, where it is not simply "anything but 404"
    refused: tuple = (400, 404)  # a create or list action naming the other brain's object under one's own brain
    answer: Any = None  # ... or exactly this JSON answer, for a list action that skips what is not the caller's

    def body_for(self, obj):
        """The body, naming `obj` (or its relatives) if it is a function."""
        if callable(self.body):
            with brain_context(obj.brain_id):
                return self.body(obj)
        return self.body

    @property
    def names_an_object(self):
        return callable(self.body)


@dataclass
class Endpoint:
    make: Callable  # (brain, owner, n=0) -> an object of `brain` that `owner` sees
    sends: dict = field(default_factory=dict)  # "<METHOD> <route>" -> a body, a function of the object, or a Send
    singleton: bool = False  # one object per brain, at a URL without an id

    def make_for(self, operation: Operation) -> Callable:
        sent = self.send(operation)
        return (sent.make if sent is not None else None) or self.make

    def send(self, operation: Operation) -> Send | None:
        if operation.key in ("GET list", "GET detail") and operation.key not in self.sends:
            return Send(own=200)
        if operation.key not in self.sends:
            return None
        sent = self.sends[operation.key]
        return sent if isinstance(sent, Send) else Send(body=sent)


# --- Objects, one of each endpoint's, in a brain -----------------------------------------------------------------
# `owner` is alice in the mould brain and charlie in the pump-valve brain; `n` makes the n-th (the query-count
# suite lists several). Every other party (buyers, suppliers, traders, operators) is made here, numbered.

_numbers = itertools.count(100)
JPEG = b"\xff\xd8\xff\xe0" + b"0" * 64
PDF = b"%PDF-1.7 drawing"


def party(brain, roles, name="企业"):
    """A new enterprise of `brain` with the given roles and its administrator."""
    number = next(_numbers)
    enterprise = make_enterprise(number, f"{brain.name_zh}的{name}{number}")
    join(brain, enterprise, roles=roles)
    return make_user(f"{brain.slug}-{number}", enterprise=enterprise)


def operator_of(brain):
    """The brain's operator (one per brain)."""
    username = f"operator-{brain.slug}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = make_user(username)
        with brain_context(brain.pk):
            BrainStaff.objects.create(brain=brain, user=user, role=BrainStaff.Role.OPERATOR)
    return user


def with_roles(brain, user, *roles):
    with brain_context(brain.pk):
        membership = Membership.objects.get(brain=brain, enterprise_id=user.enterprise_id)
        membership.roles = sorted({*membership.roles, *roles})
        membership.save(update_fields=["roles"])


def process_code(brain):
    return "CNC" if brain.slug == "mould" else "CAST"


def in_brain_of(obj):
    return brain_context(obj.brain_id)


def process(brain, owner, n=0):
    with brain_context(brain.pk):
        return Process.objects.create(brain=brain, code=f"X{brain.pk}-{n}", name_zh="特种加工", name_en="Special")


def membership(brain, owner, n=0):
    enterprise = owner.enterprise if n == 0 else party(brain, ("buyer",)).enterprise
    with brain_context(brain.pk):
        return Membership.objects.get(brain=brain, enterprise=enterprise)


def notification(brain, owner, n=0):
    with brain_context(brain.pk):
        return Notification.objects.create(brain=brain, user=owner, kind="membership.admitted")


def webhook_endpoint(brain, owner, n=0, event_types=("*",)):
    return webhooks.webhook_endpoint_create(brain=brain, by=owner, url=f"https://erp.example.com/hooks/{n}",
                                            event_types=list(event_types))


def webhook_delivery(brain, owner, n=0):
    return webhooks.webhook_endpoint_ping(endpoint=webhook_endpoint(brain, owner, n, ("ping",)), by=owner)


# capacity: projects and parts; RFQs, quotes and awards; work orders and what follows them


def project_with_part(brain, owner, n=0):
    with_roles(brain, owner, "buyer")
    project = projects.project_create(brain=brain, by=owner, code=f"P-{brain.slug}-{n}", name="跨脑测试项目")
    part = projects.part_save(project=project, by=owner, part_no="A-01", name="阀体", quantity=2,
                              processes=[process_code(brain)])
    return project, part


def tender(brain, *, buyer, supplier, n=0, awarded=False):
    """`buyer`'s published RFQ in `brain` with `supplier`'s quote (and the award to it): (rfq, quote)."""
    with_roles(brain, supplier, "supplier")
    project, part = project_with_part(brain, buyer, n)
    rfq = rfqs.rfq_create(project=project, by=buyer, title="阀体外协", deadline=timezone.now() + timedelta(days=1),
                          lines=[{"part": part.pk}])
    rfqs.rfq_publish(rfq=rfq, by=buyer)
    with brain_context(brain.pk):
        line = rfq.lines.get()
    quote = rfqs.quote_submit(rfq=rfq, by=supplier, lines=[
        {"rfq_line": line.pk, "unit_price": Decimal("100.00"), "vat_rate": Decimal("13.00"), "lead_time_days": 5}])
    if awarded:
        with brain_context(brain.pk):
            Rfq.objects.filter(pk=rfq.pk).update(deadline=timezone.now() - timedelta(seconds=1))
            rfq.refresh_from_db()
            quote_line = quote.lines.get()
        awards.award_lines(rfq=rfq, decisions={line.pk: quote_line.pk}, by=buyer)
    return rfq, quote


def quoting_ended(brain, owner, n=0):
    """`owner`'s RFQ, quoted by a supplier of the brain, past its deadline, with the optimiser's award asked for."""
    rfq, _quote = tender(brain, buyer=owner, supplier=party(brain, ("supplier",)), n=n)
    with brain_context(brain.pk):
        Rfq.objects.filter(pk=rfq.pk).update(deadline=timezone.now() - timedelta(seconds=1))
        rfq.refresh_from_db()
    awards.recommendation_request(rfq=rfq, by=owner)
    return rfq


def quoted_by(brain, owner, n=0):
    """Another buyer's open RFQ that `owner` quoted on."""
    return tendered_to(brain, owner, n)[0]


def tendered_to(brain, supplier, n=0, awarded=False):
    """Another buyer's RFQ that `supplier` quoted on (and won)."""
    return tender(brain, buyer=party(brain, ("buyer",), "采购商"), supplier=supplier, n=n, awarded=awarded)


def supplier_profile(brain, owner, n=0):
    supplier = owner if n == 0 else party(brain, ("supplier",))
    with_roles(brain, supplier, "supplier")
    return profiles.profile_save(brain=brain, by=supplier, summary="精密加工",
                                 capacities=[{"process": process_code(brain), "weekly_free_hours": Decimal("40")}])


def drawing(brain, owner, n=0):
    part = project_with_part(brain, owner, n)[1]
    return projects.drawing_upload(part=part, by=owner, content=PDF, filename="图纸.pdf")


def question(brain, owner, n=0):
    rfq, _quote = tendered_to(brain, owner, n)
    return rfqs.question_ask(rfq=rfq, by=owner, text="材料可以替换吗？")


def purchase_order(brain, owner, n=0):
    rfq, _quote = tendered_to(brain, owner, n, awarded=True)
    with brain_context(brain.pk):
        return PurchaseOrder.objects.get(rfq=rfq)


def work_order(brain, owner, n=0, accepted=False):
    """Another buyer's work order in `brain`, made by `owner`'s enterprise (accepted into production)."""
    rfq, _quote = tendered_to(brain, owner, n, awarded=True)
    with brain_context(brain.pk):
        made = WorkOrder.objects.get(rfq=rfq)
    return work_orders.work_order_accept(work_order=made, by=owner) if accepted else made


def line_and_operation(work_order):
    with brain_context(work_order.brain_id):
        line = work_order.lines.select_related("work_order", "part").get()
        return line, line.part.operations.first()


def progress_report(brain, owner, n=0, files=()):
    line, operation = line_and_operation(work_order(brain, owner, n, accepted=True))
    return work_orders.progress_report(line=line, operation=operation, by=owner, status="in_progress", percent=10,
                                       files=list(files))


def attachment(brain, owner, n=0):
    report = progress_report(brain, owner, n, files=[Upload(name="进度.jpg", content=JPEG)])
    with brain_context(brain.pk):
        return report.files.get()


def change_request(brain, owner, n=0):
    line, _operation = line_and_operation(work_order(brain, owner, n, accepted=True))
    return change_requests.change_request_ask(line=line, by=owner, new_quantity=3, reason="多做一件备件")


def mould_trial(brain, owner, n=0):
    project, _part = project_with_part(brain, owner, n)
    return trials.trial_schedule(project=project, by=owner, scheduled_at=timezone.now() + timedelta(days=1),
                                 location="试模车间")


def board_settings(brain, owner, n=0):
    with brain_context(brain.pk):
        return BoardSettings.objects.create(brain=brain, stale_after_days=4 if brain.slug == "mould" else 9)


def delivered(brain, supplier, n=0, *, inspected=False, rated=False):
    """Another buyer's work order in `brain`, won and accepted by `supplier`, delivered whole (and inspected and
    rated by that buyer): the delivery."""
    rfq, _quote = tendered_to(brain, supplier, n, awarded=True)
    with brain_context(brain.pk):
        made = WorkOrder.objects.select_related("buyer").get(rfq=rfq)
        line = made.lines.get()
        buyer = made.buyer.users.get()
    work_orders.work_order_accept(work_order=made, by=supplier)
    delivery = deliveries.delivery_record(work_order=made, by=supplier, note_number="SH-1",
                                          delivered_on=timezone.localdate(), lines={line.pk: line.quantity})
    if inspected or rated:
        with brain_context(brain.pk):
            row = delivery.lines.get()
        deliveries.delivery_inspect(delivery_line=row, by=buyer, outcome="accepted")
    if rated:
        ratings.work_order_rate(work_order=made, by=buyer, quality=4, on_time=4, communication=4)
    return delivery


def delivery_line(brain, owner, n=0):
    with brain_context(brain.pk):
        return delivered(brain, owner, n).lines.get()


def rating(brain, owner, n=0):
    delivery = delivered(brain, owner, n, rated=True)
    with brain_context(brain.pk):
        return SupplierRating.objects.get(work_order_id=delivery.work_order_id)


# supplychain: group purchases and joint reserves


def locked_campaign(brain, owner, n=0):
    """A locked group purchase in `brain` with the owner's pledge, its order line and a shipment on it."""
    from supplychain.models import GroupBuy, Shipment
    from supplychain.services import group_buys
    from supplychain.tests.conftest import TIERS, at_deadline, pledge, terms, windows

    operator, trader = operator_of(brain), party(brain, ("supplier",), "钢材贸易")
    with_roles(brain, owner, "buyer")
    made = group_buys.group_buy_create(brain=brain, by=operator, tiers=TIERS, windows=windows(),
                                       suppliers=[{"supplier": trader.enterprise_id}], **terms())
    made = group_buys.group_buy_open(group_buy=made, by=operator)
    pledge(made, owner, "12")
    at_deadline(made)
    with brain_context(brain.pk):
        line = GroupBuy.objects.get(pk=made.pk).orders.get().lines.get()
    group_buys.shipment_record(line=line, by=trader, quantity=12, note_number="QJ-1")
    with brain_context(brain.pk):
        return GroupBuy.objects.get(pk=made.pk), line, Shipment.objects.get(line=line)


def group_buy(brain, owner, n=0):
    return locked_campaign(brain, owner, n)[0]


def of_campaign(what):
    def make(brain, owner, n=0):
        campaign = group_buy(brain, owner, n)
        with brain_context(brain.pk):
            return getattr(campaign, what).get()
    return make


def supply_order_line(brain, owner, n=0):
    return locked_campaign(brain, owner, n)[1]


def shipment(brain, owner, n=0):
    return locked_campaign(brain, owner, n)[2]


def reserve_world(brain, owner, n=0):
    """A stocked reserve of 304 stainless with the owner's share, drawn below its threshold so a replenishment is
    open: (reserve, share, drawdown, reference price, the received first replenishment, the open one)."""
    from supplychain.models import Replenishment
    from supplychain.services import reserves

    operator, trader = operator_of(brain), party(brain, ("supplier",), "钢材贸易商")
    with_roles(brain, owner, "buyer")
    reserve = reserves.reserve_create(
        brain=brain, by=operator, supplier_id=trader.enterprise_id, title=f"304不锈钢联储{n}", material_grade="304",
        unit="t", base_price=Decimal("15800.00"), base_reference_price=Decimal("14500.00"),
        replenish_threshold=Decimal("20"), replenish_to=Decimal("60"))
    with brain_context(brain.pk):
        first = Replenishment.objects.get(reserve=reserve)
    first = reserves.replenishment_receive(replenishment=first, by=operator, quantity=Decimal("60"),
                                           unit_cost=Decimal("15000.00"), note_number="QJ-1")
    share = reserves.share_commit(reserve=reserve, by=operator, member_id=owner.enterprise_id,
                                  committed=Decimal("50"))
    price = reserves.reference_price_record(reserve=reserve, by=operator, value=Decimal("15225.00"),
                                            quoted_on=timezone.localdate(), source="上海有色网")
    drawdown = reserves.reserve_draw(reserve=reserve, by=owner, quantity=Decimal("45"))
    with brain_context(brain.pk):
        opened = Replenishment.objects.get(reserve=reserve, status="open")
    return reserve, share, drawdown, price, first, opened


def of_reserve(index):
    return lambda brain, owner, n=0: reserve_world(brain, owner, n)[index]


# brain: government-data sync, enterprise files, policies


def sync_source(brain, owner, n=0):
    """A file-drop source of `brain` with one run behind it and one row in quarantine (GOV_DATA_DROP_DIR is the
    test's own folder)."""
    from brain.services import sync
    from brain.sync.engine import sync_run_execute

    operator = operator_of(brain)
    folder = settings.GOV_DATA_DROP_DIR / f"cross-{brain.slug}-{n}"
    folder.mkdir(parents=True, exist_ok=True)
    good = owner.enterprise.credit_code
    (folder / "rows.csv").write_text("tyshxydm,qymc,gxsj\n" f"{good},{owner.enterprise.legal_name},2026-03-01\n"
                                     "91331003MA0000001X,坏代码公司,2026-03-01\n", encoding="utf-8")
    source = sync.data_source_create(
        brain=brain, by=operator, name=f"登记信息{brain.pk}-{n}", kind="file_drop", department="market_regulation",
        record_type="registration", folder=folder.name,
        mapping={"credit_code": "tyshxydm", "as_of": "gxsj", "attributes": {"legal_name": "qymc"}})
    sync_run_execute(brain_id=brain.pk, source_id=source.pk)
    return source


def sync_run(brain, owner, n=0):
    source = sync_source(brain, owner, n)
    with brain_context(brain.pk):
        return source.runs.get()


def quarantined_record(brain, owner, n=0):
    source = sync_source(brain, owner, n)
    with brain_context(brain.pk):
        return source.quarantine.get()


def enterprise_file(brain, owner, n=0):
    """The file's id is the enterprise's: alice's enterprise is in the mould brain, charlie's only in pump-valve."""
    return owner.enterprise if n == 0 else party(brain, ("supplier",)).enterprise


def published_policy(brain, owner, n=0):
    """A published policy of `brain`, matched; its author (`owner`) operates the brain."""
    from brain.services import policies

    with brain_context(brain.pk):
        BrainStaff.objects.get_or_create(brain=brain, user=owner, role=BrainStaff.Role.OPERATOR)
    policy = policies.policy_create(brain=brain, by=owner, title=f"{brain.slug} 专项补助 {n}", issuer="经信局",
                                    summary="补助", rules=[{"field": "roles", "op": "has_any",
                                                           "value": ["buyer", "supplier"]}])
    policy = policies.policy_publish(policy=policy, by=owner)
    policies.policy_match(brain_id=brain.pk, policy_id=policy.pk)
    return policy


def policy_match(brain, owner, n=0):
    from brain.models import PolicyMatch

    policy = published_policy(brain, owner, n)
    with brain_context(brain.pk):
        return PolicyMatch.objects.filter(policy=policy, enterprise=owner.enterprise).first()


# finance: payables from accepted deliveries, certificates, transfers


def payable(brain, owner, n=0, *, confirmed=False):
    """What another buyer of `brain` owes `owner`'s enterprise for a delivery it accepted (confirmed by it)."""
    from finance.services import payables

    delivery = delivered(brain, owner, n, inspected=True)
    made = payables.payable_record_from_delivery(brain_id=brain.pk, delivery_id=delivery.pk)
    if confirmed:
        with brain_context(brain.pk):
            buyer = made.debtor.users.get()
        made = payables.payable_confirm(payable=made, by=buyer)
    return made


def certificate(brain, owner, n=0):
    """A certificate `owner` holds, issued on its confirmed payable (¥200.00)."""
    from finance.services import certificates

    return certificates.certificate_issue(payable=payable(brain, owner, n, confirmed=True), by=owner)


def certificate_transfer(brain, owner, n=0):
    """`owner`'s offer of a part of its certificate to another member of `brain`."""
    from finance.services import certificates

    return certificates.certificate_transfer(certificate=certificate(brain, owner, n), by=owner,
                                             receiver_id=party(brain, ("supplier",)).enterprise_id, amount="100.00")


def ip_loan(brain, owner, n=0):
    """`owner`'s application to a bank of `brain` (made for it), pledging the first of three patents its enterprise
    file lists (the n-th set: a patent is pledged once at a time)."""
    from brain.models import PublicRecord
    from finance.services import ip_loans

    bank = party(brain, ("financier",), "银行")
    numbers = [f"ZL{owner.enterprise_id:08d}{n:02d}{k}.{k}" for k in range(3)]
    for number in numbers:
        PublicRecord.objects.update_or_create(
            credit_code=owner.enterprise.credit_code, record_type="patent", record_id=number,
            defaults={"facts": {"title": {"v": "一种注塑模具冷却结构"}, "kind": {"v": "发明"}}})
    return ip_loans.ip_loan_apply(brain=brain, by=owner, bank_id=bank.enterprise_id, amount="100000.00",
                                  term_months=12, purpose="购置加工设备", patents=numbers[:1])


def ip_loan_free_patent(loan):
    """A body applying to `loan`'s bank with a patent of the applicant's file that is not pledged."""
    from finance.selectors.ip_loans import ip_loan_patents

    free = next(p.number for p in ip_loan_patents(brain=loan.brain_id, enterprise_id=loan.applicant_id)
                if not p.pledged)
    return {"bank": loan.bank_id, "amount": "10000.00", "term_months": 6, "purpose": "流动资金", "patents": [free]}


def ip_loan_document(brain, owner, n=0):
    from capacity.services.attachments import Upload
    from finance.services import ip_loans

    [document] = ip_loans.ip_loan_documents_upload(application=ip_loan(brain, owner, n), by=owner,
                                                   uploads=[Upload(name="财务报表.pdf", content=PDF)])
    return document


# finance: nettings (a cycle of confirmed payables, through capacity's deliveries)


def owed_for_delivery(brain, *, buyer, supplier, n):
    """What `buyer` owes `supplier` (users of `brain`) for a delivery it accepted whole, confirmed by it."""
    from finance.services import payables

    rfq, _quote = tender(brain, buyer=buyer, supplier=supplier, n=n, awarded=True)
    with brain_context(brain.pk):
        made = WorkOrder.objects.get(rfq=rfq)
        line = made.lines.get()
    work_orders.work_order_accept(work_order=made, by=supplier)
    delivery = deliveries.delivery_record(work_order=made, by=supplier, note_number="SH-1",
                                          delivered_on=timezone.localdate(), lines={line.pk: line.quantity})
    with brain_context(brain.pk):
        row = delivery.lines.get()
    deliveries.delivery_inspect(delivery_line=row, by=buyer, outcome="accepted")
    payable = payables.payable_record_from_delivery(brain_id=brain.pk, delivery_id=delivery.pk)
    return payables.payable_confirm(payable=payable, by=buyer)


NETTING_WINDOW = {"window_from": str(timezone.localdate()), "window_to": str(timezone.localdate() + timedelta(days=90))}


def netting(brain, owner, n=0):
    """The brain operator's netting of a cycle: `owner` owes a member, who owes another, who owes `owner` (¥200.00
    each, for deliveries accepted through capacity), all confirmed and due in the window."""
    from finance.services import nettings

    first, second = party(brain, ("buyer", "supplier")), party(brain, ("buyer", "supplier"))
    for k, (debtor, creditor) in enumerate(((owner, first), (first, second), (second, owner))):
        owed_for_delivery(brain, buyer=debtor, supplier=creditor, n=1000 + 3 * n + k)
    today = timezone.localdate()
    return nettings.netting_propose(brain=brain, by=operator_of(brain), window_from=today,
                                    window_to=today + timedelta(days=90))


def netting_position(brain, owner, n=0):
    with brain_context(brain.pk):
        return netting(brain, owner, n).parties.get(enterprise_id=owner.enterprise_id)


def netting_leg(brain, owner, n=0):
    with brain_context(brain.pk):
        return netting(brain, owner, n).legs.get(debtor_id=owner.enterprise_id)


# finance: early payments, dynamic discounting, bank financing (on ¥200.00 payables of deliveries, due in 60 days)


def _buyer_of(claim):
    with brain_context(claim.brain_id):
        return claim.debtor.users.get()


def _programme_of(brain, buyer):
    """`buyer`'s open discount programme (an earlier open one is closed first): ¥100,000 for 30 days, cleared
    daily at 23:59, hurdle 5 %, posted 50 %."""
    from datetime import time

    from finance.models import DiscountProgramme
    from finance.services import discounting

    with brain_context(brain.pk):
        earlier = DiscountProgramme.objects.filter(buyer_id=buyer.enterprise_id, status="open").first()
    if earlier is not None:
        discounting.discount_programme_close(programme=earlier, by=buyer)
    return discounting.discount_programme_open(
        brain=brain, by=buyer, cash_available="100000.00", ends_on=timezone.localdate() + timedelta(days=30),
        cutoff_time=time(23, 59), hurdle_apr="5", posted_apr="50")


def discount_programme(brain, owner, n=0):
    with_roles(brain, owner, "buyer")
    return _programme_of(brain, owner)


def discount_offer(brain, owner, n=0, *, posted=False):
    """`owner`'s offer on what another buyer owes it, to that buyer's programme (at the posted rate: cleared)."""
    from finance.services import discounting

    claim = payable(brain, owner, n, confirmed=True)
    programme = _programme_of(brain, _buyer_of(claim))
    return discounting.discount_offer_make(programme=programme, by=owner, payable=claim, apr="50" if posted else "9")


def early_payment(brain, owner, n=0):
    """A claim of `owner`'s paid early by its buyer (an offer at the posted rate, cleared at once)."""
    return discount_offer(brain, owner, n, posted=True).early_payment


def clearing_run(brain, owner, n=0):
    """A clearing of `owner`'s programme by hand."""
    from finance.services import discounting

    return discounting.discount_clearing_run(programme=discount_programme(brain, owner, n), by=owner)


def credit_line(brain, owner, n=0):
    """`owner`'s line (as a bank) on another buyer of `brain`."""
    from finance.services import financing

    with_roles(brain, owner, "financier")
    buyer = party(brain, ("buyer",), "采购商")
    return financing.credit_line_open(brain=brain, by=owner, buyer_id=buyer.enterprise_id, limit="100000.00",
                                      expires_on=timezone.localdate() + timedelta(days=365))


def financing_request(brain, owner, n=0):
    """`owner`'s request to finance what another buyer owes it; a bank of `brain` has a line on that buyer."""
    from finance.services import financing

    claim = payable(brain, owner, n, confirmed=True)
    bank = party(brain, ("financier",), "银行")
    financing.credit_line_open(brain=brain, by=bank, buyer_id=claim.debtor_id, limit="100000.00",
                               expires_on=timezone.localdate() + timedelta(days=365))
    return financing.financing_request_make(brain=brain, by=owner, payable=claim)


def financing_quote(brain, owner, n=0):
    """The asked bank's quote on `owner`'s request."""
    from finance.services import financing

    request = financing_request(brain, owner, n)
    with brain_context(brain.pk):
        bank = User.objects.get(enterprise_id=request.invitations.get().bank_id)
    return financing.financing_quote_make(request=request, by=bank, apr="6",
                                          valid_until=timezone.now() + timedelta(days=1))


# --- The endpoints --------------------------------------------------------------------------------------------


def file(name, content):
    return lambda obj: {"file": SimpleUploadedFile(name, content)}


def later(days=1):
    return (timezone.now() + timedelta(days=days)).isoformat()


def work_order_line(work_order):
    line, operation = line_and_operation(work_order)
    return {"line": line.pk, "operation": operation.pk, "status": "done"}


def rows_of(project):
    return {"rows": [{"part_no": "B-02", "name": "阀盖", "quantity": 1}]}


GROUP_BUY = {
    "title": "Q235B 热轧卷板集采", "material_grade": "Q235B", "specification": "3.0×1250×C", "unit": "t",
    "minimum_total": "20", "member_minimum": "2", "member_maximum": "30", "increment": "1", "deposit_percent": "10",
    "fee_mode": "per_unit", "fee_value": "15.00", "on_failure": "extend",
    "tiers": [{"min_total": "20", "unit_price": "4200.00"}], "windows": [], "suppliers": []}
RESERVE = {"title": "304不锈钢卷联储", "material_grade": "304", "unit": "t", "base_price": "15800.00",
           "base_reference_price": "14500.00", "replenish_threshold": "20", "replenish_to": "60"}
POLICY = {"title": "专项补助", "issuer": "经信局", "summary": "补助",
          "rules": [{"field": "roles", "op": "has_any", "value": ["supplier"]}]}


# dataproducts: access requests, subscriptions, the rows read (a listed product on request of the brain, with a
# published revision; `owner`'s request for it, or its subscription granted by approving one)


def requested_product(brain, owner, n=0):
    """A listed on-request product of `brain` with a published revision of four rows (the last the remainder)."""
    from dataproducts.tests.access_requests.conftest import make_product, publish

    product = make_product(brain, code=f"access-{next(_numbers)}")
    publish(product)
    return product


def access_request(brain, owner, n=0):
    from dataproducts.services import access_requests

    return access_requests.access_request_make(product=requested_product(brain, owner, n), by=owner,
                                               purpose="核算外协报价的参考价", days=30)


def data_subscription(brain, owner, n=0):
    from dataproducts.services import access_requests

    request = access_requests.access_request_approve(request=access_request(brain, owner, n), by=operator_of(brain))
    with brain_context(brain.pk):
        return request.subscription


# dataproducts: products, revisions, consents (a listed product of the brain's operator; a revision published over
# last month, from a line awarded to `owner`'s enterprise then, so it fed the revision; `owner`'s opt-out)


def data_product(brain, owner, n=0, *, definition="price_index"):
    from dataproducts.services import products

    operator = operator_of(brain)
    product = products.product_create(brain=brain, by=operator, definition=definition,
                                      code=f"product-{next(_numbers)}", name_zh=f"价格指数{n}",
                                      name_en=f"Price index {n}", access="open")
    return products.product_update(product=product, by=operator, status="listed")


def _last_month():
    last = timezone.localdate().replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def draft_revision(brain, owner, n=0):
    """A draft of last month, `owner`'s enterprise's awarded line in it."""
    from dataproducts.services import revisions
    from dataproducts.tests.products.transactions import Deals

    first, last = _last_month()
    buyer = party(brain, ("buyer",))
    with brain_context(brain.pk):
        process = Process.objects.in_brain(brain).order_by("sort_order").first().code
    Deals(brain, buyer.enterprise, buyer).award(owner.enterprise, process=process,
                                                at=timezone.make_aware(datetime.combine(first, time(10))))
    return revisions.revision_build(product=data_product(brain, owner, n), period_from=first, period_to=last,
                                    by=operator_of(brain))


def revision(brain, owner, n=0):
    from dataproducts.services import revisions

    return revisions.revision_publish(revision=draft_revision(brain, owner, n), by=operator_of(brain))


def contribution(brain, owner, n=0):
    with brain_context(brain.pk):
        return revision(brain, owner, n).contributions.get(enterprise_id=owner.enterprise_id)


def opt_out(brain, owner, n=0):
    from dataproducts.services import consents

    return consents.opt_out(product=data_product(brain, owner, n), by=owner)


def build_last_month(revision):
    first, last = _last_month()
    return {"product": revision.product_id, "period_from": str(first), "period_to": str(last)}


# dataproducts: usage and statements (a paid product of the brain, `owner`'s subscription metered per call; one
# record dated last month, billed by the operator's statement)


def metered_subscription(brain, owner, n=0):
    from dataproducts.services import products, subscriptions

    operator = operator_of(brain)
    product = products.product_create(brain=brain, by=operator, definition="price_index",
                                      code=f"metered-{next(_numbers)}", name_zh="价格指数", name_en="Price index",
                                      access="paid", price_per_call=Decimal("0.05"), price_per_row=Decimal("0.01"))
    product = products.product_update(product=product, by=operator, status="listed")
    return subscriptions.subscription_grant(product=product, enterprise_id=owner.enterprise_id, days=90, by=operator)


def usage_record_last_month(brain, owner, n=0):
    """`owner`'s metered call of 3 rows (¥0.08), dated n + 1 months ago (the n-th: a month of its own), not billed."""
    from dataproducts.services.usage import usage_record

    month = timezone.localdate().replace(day=1)
    for _k in range(n + 1):
        month = (month - timedelta(days=1)).replace(day=1)
    record, _created = usage_record(subscription=metered_subscription(brain, owner, n), kind="call",
                                    idempotency_key=f"call-{n}", rows=3,
                                    at=timezone.make_aware(datetime.combine(month, time(10))))
    return record


def usage_statement(brain, owner, n=0):
    from dataproducts.services.usage import usage_statement_issue

    record = usage_record_last_month(brain, owner, n)
    month = timezone.localtime(record.at).date()
    with brain_context(brain.pk):
        return usage_statement_issue(brain=brain, enterprise=record.enterprise, month=month, by=operator_of(brain))


def issue_last_month(record):
    return {"month": timezone.localtime(record.at).strftime("%Y-%m"), "enterprise": record.enterprise_id}


# dataproducts: the capability centre (a component `owner`'s enterprise offers as its vendor, listed by the brain's
# operator; its installation by `owner`)


def component_listing(brain, owner, n=0, *, kind="app", approve=True):
    from dataproducts.services import components
    from tenants.uploads import Upload

    more = {"app": {"webhook_url": f"https://erp.example.com/app/{n}", "api_scope": "read",
                    "event_types": ["component.listed"]},
            "tool": {"homepage": "https://tools.example.com/quote"},
            "knowledge": {"document": Upload(name="规范.pdf", content=PDF)}}[kind]
    listing = components.component_submit(brain=brain, by=owner, kind=kind, name_zh=f"能力组件{n}", **more)
    return components.listing_approve(listing=listing, by=operator_of(brain)) if approve else listing


def installation(brain, owner, n=0):
    from dataproducts.services import installations

    return installations.installation_create(listing=component_listing(brain, owner, n), by=owner).installation


ENDPOINTS = {
    # tenants
    "process": Endpoint(process, {
        "POST list": {"code": "EDM", "name_zh": "电火花", "name_en": "EDM"},
        "PUT detail": {"code": "EDM", "name_zh": "改名", "name_en": "Renamed"},
        "PATCH detail": {"name_zh": "改名"}, "DELETE detail": None}),
    "membership": Endpoint(membership, {
        "POST list": {"roles": ["supplier"], "note": "申请加入"},  # open to non-members: an enterprise applies
        "POST admit": {}, "POST reject": {}, "POST suspend": {}, "POST reinstate": {}, "POST verify": {}}),
    "notification": Endpoint(notification, {
        "POST mark-read": Send(lambda theirs: {"ids": [theirs.pk]}, answer={"marked": 0})}),
    "webhook-endpoint": Endpoint(webhook_endpoint, {
        "POST list": {"url": "https://erp.example.com/h", "event_types": ["*"]},
        "PATCH detail": {"description": "改名"}, "DELETE detail": None,
        "GET secret": None, "POST rotate-secret": None, "POST ping": None}),
    "webhook-delivery": Endpoint(webhook_delivery, {"POST replay": None}),
    # capacity
    "supplier-profile": Endpoint(supplier_profile, {"GET mine": None, "PUT mine": {"summary": "改名"}}),
    "project": Endpoint(lambda brain, owner, n=0: project_with_part(brain, owner, n)[0], {
        "POST list": {"code": "P-new", "name": "新项目"}, "GET bom-template": None,
        "GET board": None, "GET bom": None, "POST bom-rows": rows_of,
        "POST import-bom": Send(file("bom.csv", b"part_no,name,quantity\nX,x,1\n"), multipart=True)}),
    "part": Endpoint(lambda brain, owner, n=0: project_with_part(brain, owner, n)[1], {
        "POST list": Send(lambda part: {"project": part.project_id, "part_no": "B-02", "name": "阀盖", "quantity": 1}),
        "PUT detail": {"part_no": "A-01", "name": "改名", "quantity": 3},
        "PATCH detail": {"name": "改名"}, "DELETE detail": None,
        "POST drawings": Send(file("a.pdf", PDF), multipart=True)}),
    "drawing": Endpoint(drawing, {"GET download": None}),
    "rfq": Endpoint(quoting_ended, {
        "POST list": Send(lambda rfq: {"project": rfq.project_id, "title": "询价", "deadline": later(),
                                       "lines": [{"part": rfq.lines.get().part_id}]}),
        "POST publish": {}, "POST close": {}, "POST cancel": {},
        "GET invitations": None, "GET comparison": None, "GET comparison-xlsx": None,
        "GET recommendations": None, "POST recommendations": {},
        "POST award": {"decisions": [{"rfq_line": 1, "quote_line": 1}]},
        "GET questions": None, "POST questions": {"text": "?"},
        "GET quote": Send(make=quoted_by),
        "PUT quote": Send(lambda rfq: {"lines": [{"rfq_line": rfq.lines.get().pk, "unit_price": "1",
                                                  "lead_time_days": 1}]}, make=quoted_by)}),
    "question": Endpoint(question, {"POST answer": {"answer": "！"}}),
    "quote": Endpoint(lambda brain, owner, n=0: tendered_to(brain, owner, n)[1]),
    "purchase-order": Endpoint(purchase_order),
    "work-order": Endpoint(work_order, {
        "POST accept": {}, "POST decline": {"reason": "不做"}, "POST report": work_order_line}),
    "progress-report": Endpoint(progress_report, {
        "POST bulk": Send(lambda report: {"reports": [{"work_order": report.line.work_order_id, "line": report.line_id,
                                                       "operation": report.operation_id, "status": "done"}]})}),
    "attachment": Endpoint(attachment, {"GET download": None}),
    "change-request": Endpoint(change_request, {
        "POST list": Send(lambda change: {"line": change.line_id, "new_quantity": 5, "reason": "?"}),
        "POST accept": {}, "POST reject": {"response": "不行"}, "POST withdraw": {}}),
    "mould-trial": Endpoint(mould_trial, {
        "POST list": Send(lambda trial: {"project": trial.project_id, "scheduled_at": later(2), "location": "x"}),
        "POST record": {"shots": 1, "conclusion": "pass"}, "POST cancel": {},
        "POST modifications": lambda trial: {"description": "x", "part": trial.project.parts.get().pk,
                                             "process": process_code(trial.brain)}}),
    "board-settings": Endpoint(board_settings, {"PUT detail": {"stale_after_days": 5}}, singleton=True),
    "delivery": Endpoint(lambda brain, owner, n=0: delivered(brain, owner, n), {
        "POST list": Send(lambda delivery: {"work_order": delivery.work_order_id, "note_number": "X",
                                            "delivered_on": str(timezone.localdate()),
                                            "lines": [{"line": delivery.lines.get().line_id, "quantity": 1}]})}),
    "delivery-line": Endpoint(delivery_line, {"POST inspect": {"outcome": "accepted"}}),
    "rating": Endpoint(rating, {
        "POST list": Send(lambda rating: {"work_order": rating.work_order_id, "quality": 1, "on_time": 1,
                                          "communication": 1})}),
    # supplychain
    "group-buy": Endpoint(group_buy, {
        "POST list": GROUP_BUY, "GET books": None, "GET brain-settings": None, "PUT brain-settings": {},
        "POST pledge": {"quantity": "5", "address": "x", "window": 1}, "POST withdraw": {}, "POST open": {},
        "POST cancel": {"reason": "x"}, "POST decide": {}, "POST supplier-decision": {"agree": True},
        "POST payments": {"kind": "member_payment", "enterprise": 1, "amount": "1"},
        "GET progress": None, "GET statement": None, "GET journal": None, "GET exposure": None}),
    "pledge": Endpoint(of_campaign("pledges")),
    "settlement": Endpoint(of_campaign("settlements")),
    "supply-order": Endpoint(of_campaign("orders")),
    "supply-order-line": Endpoint(supply_order_line),
    "shipment": Endpoint(shipment, {
        "POST list": Send(lambda shipment: {"line": shipment.line_id, "quantity": "1", "note_number": "x"}),
        "POST receive": {"quantity": "12"}}),
    "reserve": Endpoint(of_reserve(0), {"POST list": RESERVE, "POST close": {}}),
    "reserve-share": Endpoint(of_reserve(1), {
        "POST list": Send(lambda share: {"reserve": share.reserve_id, "member": share.member_id, "committed": "5"})}),
    "reserve-drawdown": Endpoint(of_reserve(2), {
        "POST list": Send(lambda drawdown: {"reserve": drawdown.reserve_id, "quantity": "1"})}),
    "reserve-reference-price": Endpoint(of_reserve(3), {
        "POST list": Send(lambda price: {"reserve": price.reserve_id, "value": "1.00",
                                         "quoted_on": str(timezone.localdate()), "source": "x"})}),
    "reserve-replenishment": Endpoint(of_reserve(5), {
        "POST receive": {"quantity": "1", "unit_cost": "1.00", "note_number": "X"}, "POST cancel": {"reason": "x"}}),
    # brain
    "sync-source": Endpoint(sync_source, {
        "POST list": {"name": "登记信息", "kind": "file_drop", "department": "market_regulation",
                      "record_type": "registration", "folder": "x"},
        "PATCH detail": {"name": "改名"}, "DELETE detail": None, "POST run": None}),
    "sync-run": Endpoint(sync_run),
    "quarantined-record": Endpoint(quarantined_record, {
        "POST retry": {"credit_code": "91331003MA00000018"}, "POST dismiss": {}}),
    "enterprise-file": Endpoint(enterprise_file),
    "policy": Endpoint(published_policy, {
        "POST list": POLICY, "POST preview": {"rules": POLICY["rules"]}, "GET rule-fields": None,
        "PATCH detail": {"title": "改名"}, "DELETE detail": None,
        "POST publish": {}, "POST withdraw": {"reason": "x"}, "POST rematch": {}}),
    "policy-match": Endpoint(policy_match),
    # finance
    "payable": Endpoint(payable, {"POST confirm": {}, "POST waive": {}, "POST pay": {}}),
    "certificate": Endpoint(certificate, {
        "POST list": Send(lambda certificate: {"payable": certificate.payable_id}),
        "POST split": {"amounts": ["100.00", "100.00"]}, "POST transfer": {"receiver": 1}, "POST redeem": {}}),
    "certificate-transfer": Endpoint(certificate_transfer, {
        "POST accept": {}, "POST decline": {"reason": "x"}, "POST withdraw": {}}),
    "netting": Endpoint(netting, {
        "POST list": NETTING_WINDOW, "POST preview": NETTING_WINDOW,
        "POST confirm": {}, "POST reject": {"reason": "x"}, "POST withdraw": {"reason": "x"}}),
    "netting-position": Endpoint(netting_position),
    "netting-leg": Endpoint(netting_leg),
    "ip-loan": Endpoint(ip_loan, {
        "POST list": Send(ip_loan_free_patent), "GET patents": None, "GET banks": None, "GET totals": None,
        "POST request-documents": {"items": ["近两年财务报表"]}, "POST supply-documents": {},
        "POST documents": Send(lambda loan: {"files": [SimpleUploadedFile("报表.pdf", PDF)]}, multipart=True),
        "POST approve": {"amount": "10000.00", "apr": "3.45", "term_months": 6, "repayment_method": "interest_only"},
        "POST decline": {"reason": "x"}, "POST withdraw": {}, "POST register-pledge": {"registration_number": "Y1"},
        "POST disburse": {}, "POST repayments": {"amount": "100.00"}}),
    "ip-loan-document": Endpoint(ip_loan_document, {"GET download": None}),
    "early-payment": Endpoint(early_payment, {"GET maturities": None}),
    "discount-programme": Endpoint(discount_programme, {
        "POST list": {"cash_available": "1000.00", "ends_on": str(timezone.localdate() + timedelta(days=30)),
                      "cutoff_time": "16:00", "hurdle_apr": "5"},
        "POST close": {}, "POST clear": {}, "GET rollforward": None}),
    "discount-offer": Endpoint(discount_offer, {
        "POST list": Send(lambda offer: {"programme": offer.programme_id, "payable": offer.payable_id, "apr": "9"}),
        "POST preview": Send(lambda offer: {"programme": offer.programme_id, "payable": offer.payable_id,
                                            "apr": "9"}),
        "POST change": {"apr": "10"}, "POST withdraw": {}}),
    "clearing-run": Endpoint(clearing_run),
    "credit-line": Endpoint(credit_line, {
        "POST list": Send(lambda line: {"buyer": line.buyer_id, "limit": "1000.00",
                                        "expires_on": str(timezone.localdate() + timedelta(days=30))}),
        "POST revise": {"limit": "200000.00", "expires_on": str(timezone.localdate() + timedelta(days=30))},
        "GET exposure": None}),
    "financing-request": Endpoint(financing_request, {
        "POST list": Send(lambda request: {"payable": request.payable_id}), "POST withdraw": {}}),
    "financing-quote": Endpoint(financing_quote, {
        "POST list": Send(lambda quote: {"request": quote.request_id, "apr": "6", "valid_until": later()}),
        "POST accept": {}, "POST withdraw": {}}),
    # dataproducts: access requests, subscriptions, the rows read
    "access-request": Endpoint(access_request, {
        # one's own product already has one's pending request: a 400, where the other brain's is a 404
        "POST list": Send(lambda request: {"product": request.product_id, "purpose": "参考", "days": 3}),
        "POST approve": {}, "POST decline": {"reason": "用途不符"}, "POST withdraw": {}}),
    "subscription": Endpoint(data_subscription, {"POST revoke": {"reason": "违反使用约定"}}),
    "data-product-rows": Endpoint(requested_product, {"GET csv": None, "GET xlsx": None}),
    # dataproducts: products, revisions, consents
    "data-product": Endpoint(data_product, {
        "POST list": {"definition": "price_index", "code": "price-index-new", "name_zh": "价格指数",
                      "name_en": "Price index", "access": "open"},
        "PATCH detail": {"name_zh": "改名"}, "GET settings": None,
        "PUT settings": {"min_enterprises": 6, "max_share": "50"}}),
    "revision": Endpoint(revision, {
        "POST list": Send(build_last_month), "POST publish": Send(make=draft_revision),
        "POST correct": {"comment": "补录一笔定标"}}),
    "contribution": Endpoint(contribution),
    "opt-out": Endpoint(opt_out, {"POST list": Send(lambda opted: {"product": opted.product_id}),
                                  "DELETE detail": None}),
    # dataproducts: usage and statements
    "usage-record": Endpoint(usage_record_last_month),
    "usage-statement": Endpoint(usage_statement, {
        "POST issue": Send(issue_last_month, make=usage_record_last_month, own=201)}),
    # dataproducts: the capability centre
    "component-listing": Endpoint(component_listing, {
        "POST list": {"kind": "tool", "name_zh": "模具报价计算器", "homepage": "https://tools.example.com/q"},
        "POST approve": Send(make=lambda brain, owner, n=0: component_listing(brain, owner, n, approve=False)),
        "POST reject": Send({"reason": "资料不全"},
                            make=lambda brain, owner, n=0: component_listing(brain, owner, n, approve=False)),
        "POST deprecate": {"reason": "停止维护"},
        "GET versions": None, "POST versions": {"version": "2.0", "release_notes": "新版"},
        "GET download": Send(make=lambda brain, owner, n=0: component_listing(brain, owner, n, kind="knowledge")),
        "POST open": Send(make=lambda brain, owner, n=0: component_listing(brain, owner, n, kind="tool")),
        "POST install": {}, "GET ratings": None, "POST rate": {"stars": 5},
        "GET offered": None,
        # neither brain's component is offered to other brains: alice's is refused as listed here already
        "POST offer": Send(lambda listing: {"component": listing.component_id})}),
    "installation": Endpoint(installation, {"POST uninstall": {}, "GET calls": None}),
}
