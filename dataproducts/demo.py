"""Data-product demo of the mould brain: the price index and the on-time product published from its own demo
transactions (cells suppressed where too few enterprises stand behind them, visibly), a pending access request,
a paid subscription with usage, and two components in the capability centre, one app installed. Idempotent."""

from datetime import timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from capacity.models import Award, Project, PurchaseOrder, QuoteLine
from capacity.services import awards, projects, rfqs
from dataproducts.definitions import REGISTRY
from dataproducts.models import AccessRequest, DataProduct, Revision, Subscription, UsageStatement
from dataproducts.selectors.revisions import revision_latest
from dataproducts.services.access_requests import access_request_approve, access_request_make
from dataproducts.services.products import product_create, product_update
from dataproducts.services.revisions import revision_build, revision_publish, revision_refresh
from dataproducts.services.settings import data_product_settings_save
from dataproducts.services.usage import (
    month_bounds,
    subscription_periods_charge,
    usage_record,
    usage_statement_issue,
)
from tenants.context import brain_context
from tenants.errors import DomainError
from tenants.models import Membership, User
from tenants.selectors.memberships import active_members

BRAIN = "mould"


def load(*, brains: dict, users: dict) -> None:
    brain = brains.get(BRAIN)
    if brain is None:
        return
    products_demo(brain=brain, users=users)
    access_demo(brain=brain, users=users)
    usage_demo(brain=brain, users=users)
    components_demo(brain=brain, users=users)


# --- products and revisions -----------------------------------------------------------------------------
DEMO_PRODUCTS = (  # (definition, code, access, required)
    ("price_index", "price-index", "request", False),
    ("on_time", "on-time", "open", True),
    ("free_capacity", "free-capacity", "open", False),
    ("group_buy_prices", "group-buy-prices", "request", False),
    ("activity", "activity", "open", False),
)
DEMO_PROJECT = "DP-INSERTS"
DEMO_PARTS = (  # (part number, name, material, process): CNC on plastic and hot-work steel, EDM on plastic steel
    ("DP-01", "型芯镶件", "P20", "CNC"), ("DP-02", "滑块", "718H", "CNC"), ("DP-03", "斜顶", "NAK80", "CNC"),
    ("DP-04", "热流道板", "H13", "CNC"), ("DP-05", "浇口套", "SKD61", "CNC"), ("DP-06", "电极型腔", "S136", "EDM"),
)


def _demo_awards(*, brain, buyer) -> None:
    """Insert parts awarded across the brain's suppliers, so that several cells of the price index have enough
    enterprises behind them (the capacity demo's awards go to one or two suppliers per process). Through capacity's
    services; the award dated three days ago (demo history), so the last days' revision holds it. Once."""



    with brain_context(brain.pk):
        if Project.objects.in_brain(brain).filter(code=DEMO_PROJECT).exists():
            return
        suppliers = [user for user in User.objects.filter(
            enterprise_id__in=Membership.objects.in_brain(brain).filter(
                status=Membership.Status.ACTIVE, roles__contains=["supplier"]).values("enterprise_id"),
            enterprise_role="admin").exclude(enterprise_id=buyer.enterprise_id).order_by("enterprise_id")]
    project = projects.project_create(brain=brain, by=buyer, code=DEMO_PROJECT, name="数据产品演示：镶件外协")
    for part_no, name, material, process in DEMO_PARTS:
        projects.part_save(project=project, by=buyer, part_no=part_no, name=name, quantity=8, material=material,
                           processes=[process])
    with brain_context(brain.pk):
        parts = list(project.parts.order_by("part_no"))
    rfq = rfqs.rfq_create(project=project, by=buyer, title="数据产品演示：镶件外协加工", lines=[
        {"part": part.pk} for part in parts], deadline=timezone.now() + timedelta(hours=2))
    rfqs.rfq_publish(rfq=rfq, by=buyer)
    with brain_context(brain.pk):
        lines = list(rfq.lines.order_by("line_no"))
    quoted = []
    for index, supplier in enumerate(suppliers):
        try:
            rfqs.quote_submit(rfq=rfq, by=supplier, lines=[
                {"rfq_line": line.pk, "unit_price": Decimal(180 + 15 * line.line_no + 7 * index),
                 "vat_rate": Decimal("13.00"), "lead_time_days": 6 + index % 4} for line in lines])
        except DomainError:  # not a supplier of these processes: it does not quote
            continue
        quoted.append(supplier.enterprise_id)
    rfqs.rfq_close(rfq=rfq, by=buyer)
    with brain_context(brain.pk):
        offers = list(QuoteLine.objects.in_brain(brain).filter(quote__rfq=rfq).values_list(
            "pk", "rfq_line_id", "quote__supplier_id"))
    # one part to each supplier in turn: every supplier wins a line, so cells have several enterprises
    decisions = {}
    for position, line in enumerate(lines):
        mine = [pk for pk, line_id, supplier in offers if line_id == line.pk]
        if mine:
            decisions[line.pk] = mine[position % len(mine)]
    orders = awards.award_lines(rfq=rfq, decisions=decisions, by=buyer)
    with brain_context(brain.pk):
        at = timezone.now() - timedelta(days=3)
        PurchaseOrder.objects.filter(pk__in=[order.pk for order in orders]).update(issued_at=at)
        Award.objects.filter(purchase_order__in=orders).update(awarded_at=at)


def products_demo(*, brain, users: dict) -> None:
    """The five products of the mould brain, listed; the price index and on-time product built and published from
    the demo's transactions of last month and this month so far (cells suppressed where too few enterprises stand
    behind them: the remainder row shows them pooled). The brain's rule is the lowest allowed (3 enterprises, 60 %):
    a demo cluster is small. Idempotent: a second load publishes nothing new."""



    operator, buyer = users["operator"], users["buyer"]
    data_product_settings_save(brain=brain, by=operator, min_enterprises=3, max_share=Decimal("60"))
    _demo_awards(brain=brain, buyer=buyer)
    made = {}
    for definition, code, access, required in DEMO_PRODUCTS:
        with brain_context(brain.pk):
            product = DataProduct.objects.in_brain(brain).filter(code=code).first()
        if product is None:
            spec = REGISTRY[definition]
            product = product_create(brain=brain, by=operator, definition=definition, code=code, name_zh=spec.name_zh,
                                     name_en=spec.name_en, access=access, required=required,
                                     description_zh=spec.description_zh, description_en=spec.description_en)
        if product.status != DataProduct.Status.LISTED:
            product = product_update(product=product, by=operator, status="listed")
        made[definition] = product
    yesterday = timezone.localdate() - timedelta(days=1)
    first = (yesterday.replace(day=1) - timedelta(days=1)).replace(day=1)
    for definition in ("price_index", "on_time"):
        product = made[definition]
        with brain_context(brain.pk):
            done = Revision.objects.in_brain(brain).filter(product=product, period_from=first, period_to=yesterday,
                                                           status=Revision.Status.PUBLISHED).exists()
        if not done:
            revision_publish(revision=revision_build(product=product, period_from=first, period_to=yesterday,
                                                     by=operator), by=operator)


# --- access requests and subscriptions ------------------------------------------------------------------
def _paid_product(brain, operator):
    """The brain's listed paid product; if the catalogue's demo lists none, the price index's API edition, listed
    and built for the last complete month from the demo's transactions."""

    with brain_context(brain.pk):
        paid = (DataProduct.objects.in_brain(brain).filter(access=DataProduct.Access.PAID)
                .order_by("status", "pk").first())
    if paid is None:
        paid = product_create(
            brain=brain, by=operator, definition="price_index", code="price-index-api",
            name_zh="外协加工价格指数（API 版）", name_en="Machining price index (API edition)", access="paid",
            description_zh="与价格指数相同的已发布数据，按月订阅并按调用和行数计费，供 ERP 直接读取。",
            description_en="The price index's published rows for ERPs: a monthly subscription, metered per call "
                           "and per row.",
            subscription_price="300.00", price_per_call="0.05", price_per_row="0.01")
    if paid.status == DataProduct.Status.DRAFT:
        paid = product_update(product=paid, by=operator, status="listed")
    try:
        revision_refresh(product=paid)
    except DomainError:  # too few transactions for a month that passes the privacy rule: nothing published yet
        pass
    return paid


def access_demo(*, brain, users: dict) -> None:
    """A paid subscription granted by approving 陈晓燕's enterprise's request (the one usage_demo meters), and the
    buyer's request for an on-request product waiting for the operator. Once each: a second load changes nothing."""

    operator, subscriber, asker = users.get("operator"), users.get("supplier2"), users.get("buyer")
    if operator is None or subscriber is None or asker is None:
        return
    paid = _paid_product(brain, operator)
    with brain_context(brain.pk):
        members = set(active_members(brain=brain).values_list("enterprise_id", flat=True))
        on_request = (DataProduct.objects.in_brain(brain).filter(access=DataProduct.Access.REQUEST,
                                                                 status=DataProduct.Status.LISTED)
                      .order_by("pk").first()) or paid
        asked = {(product_id, enterprise_id) for product_id, enterprise_id in AccessRequest.objects.in_brain(brain)
                 .values_list("product_id", "enterprise_id")}
    if subscriber.enterprise_id in members and (paid.pk, subscriber.enterprise_id) not in asked:
        request = access_request_make(product=paid, by=subscriber, days=366,
                                      purpose="接单报价前参考同类工序的成交价，ERP 每日同步一次")
        access_request_approve(request=request, by=operator, note="同意：按月订阅，调用按量计费")
    if asker.enterprise_id in members and (on_request.pk, asker.enterprise_id) not in asked:
        access_request_make(product=on_request, by=asker, days=90, purpose="评估新模具项目的外协加工成本")


# --- usage and statements -------------------------------------------------------------------------------
def usage_demo(*, brain, users: dict) -> None:
    """Usage on the demo's paid subscription (access_demo grants it): the story is that it began on the first of last
    month, so last month has its period and a dozen metered reads, billed by last month's statement (issued by the
    operator), and this month so far has its period and a few reads, not billed yet. Every record has a fixed key
    and the statement is once per month: a second load changes nothing."""


    this_month = timezone.localdate().replace(day=1)
    last_month = this_month - relativedelta(months=1)
    last_start, this_start = month_bounds(last_month)[1], month_bounds(this_month)[1]
    with brain_context(brain.pk):
        subscription = (Subscription.objects.in_brain(brain).select_related("product", "enterprise")
                        .filter(product__access=DataProduct.Access.PAID, revoked_at__isnull=True)
                        .order_by("starts_at", "pk").first())
        if subscription is None:  # the access demo has not granted one
            return
        if subscription.starts_at > last_start and not subscription.usage.exists():
            Subscription.objects.filter(pk=subscription.pk).update(starts_at=last_start)
            subscription.refresh_from_db()
        revision = revision_latest(subscription.product)
    now = timezone.now()
    subscription_periods_charge(subscription=subscription, at=now)
    reads = [(f"demo:{last_month:%Y-%m}:{n}", last_start + timedelta(days=n * 2, hours=9), [12, 30, 5, 48][n % 4])
             for n in range(12)]
    reads += [(f"demo:{this_month:%Y-%m}:{n}", this_start + timedelta(hours=9 + n), 20)
              for n in range(4) if this_start + timedelta(hours=9 + n) < now]
    for key, at, rows in reads:
        usage_record(subscription=subscription, kind="call", idempotency_key=key, rows=rows, revision=revision,
                     at=at)
    usage_record(subscription=subscription, kind="download", idempotency_key=f"demo:{last_month:%Y-%m}:download",
                 rows=240, revision=revision, at=last_start + timedelta(days=20, hours=15))
    with brain_context(brain.pk):
        issued = UsageStatement.objects.in_brain(brain).filter(enterprise=subscription.enterprise,
                                                               month=last_month).exists()
    if not issued:
        usage_statement_issue(brain=brain, enterprise=subscription.enterprise, month=last_month,
                              by=users.get("operator"))


# --- capability centre ----------------------------------------------------------------------------------
from dataproducts.models import ComponentListing, ComponentRating, Installation  # noqa: E402
from dataproducts.services import components, installations, ratings  # noqa: E402
from tenants.demo import PASSWORD, demo_credit_code  # noqa: E402
from tenants.models import Enterprise  # noqa: E402
from tenants.uploads import Upload  # noqa: E402

VENDOR = ("台州云模软件科技有限公司", "331003", "vendor", "郑云帆", "13800000031")
KNOWLEDGE = "模具钢热处理工艺规范"
APP = "云模ERP连接器"


def _demo_pdf(title: str) -> bytes:
    """A one-page PDF (ASCII text: the demo has no CJK font to embed), with a correct cross-reference table."""
    stream = f"BT /F1 16 Tf 72 760 Td ({title}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _vendor(brain) -> User:
    """The demo's software vendor: a member of the mould brain, with its administrator (login `vendor`)."""
    name, region, username, full_name, mobile = VENDOR
    enterprise, _created = Enterprise.objects.get_or_create(
        credit_code=demo_credit_code(61, region),
        defaults={"legal_name": name, "region_code": region, "address": "浙江省台州市黄岩区", "verified": True})
    with brain_context(brain.pk):
        Membership.objects.get_or_create(brain=brain, enterprise=enterprise,
                                         defaults={"roles": ["supplier"], "status": Membership.Status.ACTIVE})
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, full_name=full_name, mobile=mobile, enterprise=enterprise,
                    enterprise_role=User.EnterpriseRole.ADMIN)
        user.set_password(PASSWORD)
        user.save()
    return user


def _listing(brain, name: str) -> ComponentListing | None:
    with brain_context(brain.pk):
        return ComponentListing.objects.in_brain(brain).filter(component__name_zh=name).first()


def components_demo(*, brain, users: dict) -> None:
    """The brain company's process standard (a PDF) and a vendor's ERP connector (¥199.00 an installation, VAT 6 %)
    listed in the mould brain's capability centre; the demo buyer installed the connector and rated it."""
    operator = users.get("operator")
    buyer = users.get("buyer")
    if operator is None or buyer is None:
        return
    knowledge = _listing(brain, KNOWLEDGE)
    if knowledge is None:
        knowledge = components.component_submit(
            brain=brain, by=operator, kind="knowledge", name_zh=KNOWLEDGE,
            name_en="Heat treatment of mould steels: process specification",
            summary_zh="P20、718、H13、S136 等常用模具钢的淬火、回火与氮化工艺参数，附硬度检验要求。",
            summary_en="Hardening, tempering and nitriding of P20, 718, H13 and S136, with hardness checks.",
            release_notes="2026 版：补充 S136 真空淬火参数。",
            document=Upload(name="模具钢热处理工艺规范.pdf",
                            content=_demo_pdf("Mould steel heat treatment: process specification (demo)")))
    if knowledge.status == ComponentListing.Status.PENDING:
        components.listing_approve(listing=knowledge, by=operator)
    app = _listing(brain, APP)
    if app is None:
        app = components.component_submit(
            brain=brain, by=_vendor(brain), kind="app", name_zh=APP, name_en="Yunmo ERP connector",
            summary_zh="把定标、工单与交货验收同步到贵司 ERP，采购订单免重复录入。",
            summary_en="Syncs awards, work orders and accepted deliveries into your ERP.",
            homepage="https://erp.example.com/", webhook_url="https://erp.example.com/industry-brain/hooks",
            api_scope="read", event_types=["rfq.awarded", "delivery.accepted", "component.listed"],
            install_price="199.00", offered_to_other_brains=True, release_notes="首个版本：定标与工单同步。")
    if app.status == ComponentListing.Status.PENDING:
        app = components.listing_approve(listing=app, by=operator)
    with brain_context(brain.pk):
        installed = Installation.objects.in_brain(brain).filter(listing=app, enterprise_id=buyer.enterprise_id,
                                                                 uninstalled_at__isnull=True).exists()
    if not installed:
        installations.installation_create(listing=app, by=buyer)  # the secret is not kept: a demo app
    with brain_context(brain.pk):
        rated = ComponentRating.objects.in_brain(brain).filter(listing=app, enterprise_id=buyer.enterprise_id).exists()
    if not rated:
        ratings.component_rate(listing=app, by=buyer, stars=4, comment="订单同步及时，省去了重复录入。")
