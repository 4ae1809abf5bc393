"""Data-product demo of the mould brain: the price index and the on-time product published from its own demo
transactions (cells suppressed where too few enterprises stand behind them, visibly), a pending access request,
a paid subscription with usage, and two components in the capability centre, one app installed. Idempotent."""

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
def products_demo(*, brain, users: dict) -> None:
    pass


# --- access requests and subscriptions ------------------------------------------------------------------
def access_demo(*, brain, users: dict) -> None:
    pass


# --- usage and statements -------------------------------------------------------------------------------
def usage_demo(*, brain, users: dict) -> None:
    pass


# --- capability centre ----------------------------------------------------------------------------------
from dataproducts.models import ComponentListing, ComponentRating, Installation  # noqa: E402
from dataproducts.services import components, installations, ratings  # noqa: E402
from tenants.context import brain_context  # noqa: E402
from tenants.demo import PASSWORD, demo_credit_code  # noqa: E402
from tenants.models import Enterprise, Membership, User  # noqa: E402
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
