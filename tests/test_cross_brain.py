"""The cross-brain suite, run on every tenant-owned endpoint (NetBox-style generic test case).

Each case names an endpoint and how to make one of its objects in a brain. Alice (a member of the
mould brain) must never see, change or delete the pump-valve brain's object, not even by asking for it
under her own brain's URL: the answer is 404, never 403 and never the object.
"""

import pytest
from django.urls import reverse

from conftest import api_as, make_user
from tenants.context import brain_context
from tenants.models import BrainStaff, Membership, Notification, Process


CASES = []


class CrossBrainCase:
    """Reads: list, detail, and the other brain's URL. Subclass CrossBrainWriteCase for writable endpoints."""

    basename: str  # the router basename of the endpoint

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "basename" in cls.__dict__:
            CASES.append(cls.basename)

    def make_object(self, brain, *, owner):
        raise NotImplementedError

    @pytest.fixture
    def setup(self, mould, pump, alice, charlie, charlie_ent):
        # alice is an operator of the mould brain too, so every method is open to her there.
        with brain_context(mould.pk):
            BrainStaff.objects.create(brain=mould, user=alice, role=BrainStaff.Role.OPERATOR)
        mine = self.make_object(mould, owner=alice)
        theirs = self.make_object(pump, owner=charlie)
        return api_as(alice), mine, theirs, mould, pump

    def url(self, brain, pk=None):
        if pk is None:
            return reverse(f"{self.basename}-list", kwargs={"brain_slug": brain.slug})
        return reverse(f"{self.basename}-detail", kwargs={"brain_slug": brain.slug, "pk": pk})

    def test_list_shows_only_this_brains_objects(self, setup):
        client, mine, theirs, mould, pump = setup
        response = client.get(self.url(mould))
        assert response.status_code == 200
        ids = [row["id"] for row in response.json()["results"]]
        assert mine.pk in ids and theirs.pk not in ids

    def test_detail_of_another_brains_object_is_404(self, setup):
        client, mine, theirs, mould, pump = setup
        assert client.get(self.url(mould, mine.pk)).status_code == 200
        response = client.get(self.url(mould, theirs.pk))
        assert response.status_code == 404 and response.json()["code"] == "not_found"

    def test_the_other_brains_url_is_404_for_a_non_member(self, setup):
        client, mine, theirs, mould, pump = setup
        assert client.get(self.url(pump)).status_code == 404
        assert client.get(self.url(pump, theirs.pk)).status_code == 404

    def snapshot(self, obj):
        with brain_context(obj.brain_id):
            return type(obj).objects.filter(pk=obj.pk).values().first()


class CrossBrainWriteCase(CrossBrainCase):
    update_payload: dict = {}

    def test_update_and_delete_of_another_brains_object_are_404_and_change_nothing(self, setup):
        client, mine, theirs, mould, pump = setup
        before = self.snapshot(theirs)
        assert client.patch(self.url(mould, theirs.pk), self.update_payload, format="json").status_code == 404
        assert client.delete(self.url(mould, theirs.pk)).status_code == 404
        assert client.patch(self.url(pump, theirs.pk), self.update_payload, format="json").status_code == 404
        assert client.delete(self.url(pump, theirs.pk)).status_code == 404
        assert self.snapshot(theirs) == before

    def test_a_member_who_may_not_write_still_gets_404_for_the_other_brains_object(self, setup, charlie):
        """Not 403: refusing before looking would tell that the object exists."""
        client, mine, theirs, mould, pump = setup
        bystander = api_as(self.plain_member(mould))
        assert bystander.patch(self.url(mould, theirs.pk), self.update_payload, format="json").status_code == 404
        assert bystander.delete(self.url(mould, theirs.pk)).status_code == 404

    def plain_member(self, brain):
        from conftest import join, make_enterprise

        enterprise = make_enterprise(77, "台州市路桥明辉模具配件有限公司")
        join(brain, enterprise, roles=("supplier",))
        return make_user("minghui", enterprise=enterprise)


class TestProcesses(CrossBrainWriteCase):
    basename = "process"
    update_payload = {"name_zh": "改名"}

    def make_object(self, brain, *, owner):
        with brain_context(brain.pk):
            return Process.objects.create(brain=brain, code=f"X{brain.pk}", name_zh="特种加工", name_en="Special")


class TestMemberships(CrossBrainCase):
    basename = "membership"  # decisions are actions: see test_membership_actions_on_another_brains_...

    def make_object(self, brain, *, owner):
        with brain_context(brain.pk):
            return Membership.objects.get(brain=brain, enterprise=owner.enterprise)


class TestNotifications(CrossBrainCase):
    basename = "notification"

    def make_object(self, brain, *, owner):
        with brain_context(brain.pk):
            return Notification.objects.create(brain=brain, user=owner, kind="membership.admitted")


class TestWebhookEndpoints(CrossBrainWriteCase):
    basename = "webhook-endpoint"
    update_payload = {"description": "改名"}

    def make_object(self, brain, *, owner):
        from tenants.webhooks import webhook_endpoint_create

        return webhook_endpoint_create(brain=brain, by=owner, url="https://erp.example.com/hooks/ib",
                                       event_types=["*"])


class TestWebhookDeliveries(CrossBrainCase):
    basename = "webhook-delivery"

    def make_object(self, brain, *, owner):
        from tenants.webhooks import webhook_endpoint_create, webhook_endpoint_ping

        endpoint = webhook_endpoint_create(brain=brain, by=owner, url="https://erp.example.com/hooks/ib",
                                           event_types=["ping"])
        return webhook_endpoint_ping(endpoint=endpoint, by=owner)


def locked_campaign(brain, owner):
    """A locked group purchase in `brain` with the owner's pledge, its order line and a shipment."""
    from conftest import join, make_enterprise
    from supplychain.models import GroupBuy, Shipment
    from supplychain.services import group_buys
    from supplychain.tests.conftest import TIERS, at_deadline, pledge, terms, windows

    operator = make_user(f"op-{brain.slug}")
    with brain_context(brain.pk):
        BrainStaff.objects.create(brain=brain, user=operator, role=BrainStaff.Role.OPERATOR)
    trader = make_enterprise(60 + brain.pk, f"钢材贸易{brain.pk}有限公司")
    join(brain, trader, roles=("supplier",))
    supplier = make_user(f"steel-{brain.slug}", enterprise=trader)
    made = group_buys.group_buy_create(brain=brain, by=operator, tiers=TIERS, windows=windows(),
                                       suppliers=[{"supplier": trader.pk}], **terms())
    made = group_buys.group_buy_open(group_buy=made, by=operator)
    pledge(made, owner, "12")
    at_deadline(made)
    with brain_context(brain.pk):
        line = GroupBuy.objects.get(pk=made.pk).orders.get().lines.get()
    group_buys.shipment_record(line=line, by=supplier, quantity=12, note_number="QJ-1")
    with brain_context(brain.pk):
        return GroupBuy.objects.get(pk=made.pk), line, Shipment.objects.get(line=line)


class TestGroupBuys(CrossBrainCase):
    basename = "group-buy"

    def make_object(self, brain, *, owner):
        return locked_campaign(brain, owner)[0]


class TestPledges(CrossBrainCase):
    basename = "pledge"

    def make_object(self, brain, *, owner):
        with brain_context(brain.pk):
            return locked_campaign(brain, owner)[0].pledges.get()


class TestSettlements(CrossBrainCase):
    basename = "settlement"

    def make_object(self, brain, *, owner):
        with brain_context(brain.pk):
            return locked_campaign(brain, owner)[0].settlements.get()


class TestSupplyOrders(CrossBrainCase):
    basename = "supply-order"

    def make_object(self, brain, *, owner):
        with brain_context(brain.pk):
            return locked_campaign(brain, owner)[0].orders.get()


class TestSupplyOrderLines(CrossBrainCase):
    basename = "supply-order-line"

    def make_object(self, brain, *, owner):
        return locked_campaign(brain, owner)[1]


class TestShipments(CrossBrainCase):
    basename = "shipment"

    def make_object(self, brain, *, owner):
        return locked_campaign(brain, owner)[2]


def test_group_buy_actions_on_another_brains_campaign_are_404(mould, pump, alice, charlie):
    campaign, line, shipment = locked_campaign(pump, charlie)
    client = api_as(alice)
    posts = {"group-buy-pledge": {"quantity": "5", "address": "x", "window": 1}, "group-buy-withdraw": {},
             "group-buy-open": {}, "group-buy-cancel": {"reason": "x"}, "group-buy-decide": {},
             "group-buy-supplier-decision": {"agree": True},
             "group-buy-payments": {"kind": "member_payment", "enterprise": charlie.enterprise_id, "amount": "1"}}
    for slug in (mould.slug, pump.slug):
        for name, body in posts.items():
            response = client.post(reverse(name, kwargs={"brain_slug": slug, "pk": campaign.pk}), body, format="json")
            assert response.status_code == 404, (name, slug)
        for name in ("group-buy-progress", "group-buy-statement", "group-buy-journal", "group-buy-exposure"):
            assert client.get(reverse(name, kwargs={"brain_slug": slug, "pk": campaign.pk})).status_code == 404, name
        assert client.post(reverse("shipment-receive", kwargs={"brain_slug": slug, "pk": shipment.pk}),
                           {"quantity": "12"}, format="json").status_code == 404
    response = client.post(reverse("shipment-list", kwargs={"brain_slug": mould.slug}),
                           {"line": line.pk, "quantity": "1", "note_number": "x"}, format="json")
    assert response.status_code in (400, 404) and response.json()["code"] in ("not_found", "permission_denied")
    with brain_context(pump.pk):
        shipment.refresh_from_db()
        assert shipment.received_at is None and campaign.pledges.get().quantity == 12


def test_webhook_actions_on_another_brains_objects_are_404(mould, pump, alice, charlie):
    from tenants.webhooks import webhook_endpoint_create, webhook_endpoint_ping

    endpoint = webhook_endpoint_create(brain=pump, by=charlie, url="https://erp.example.com/h", event_types=["*"])
    delivery = webhook_endpoint_ping(endpoint=endpoint, by=charlie)
    client = api_as(alice)
    for name, pk in (("webhook-endpoint-ping", endpoint.pk), ("webhook-endpoint-rotate-secret", endpoint.pk),
                     ("webhook-delivery-replay", delivery.pk)):
        for slug in (mould.slug, pump.slug):
            assert client.post(reverse(name, kwargs={"brain_slug": slug, "pk": pk})).status_code == 404, name
    assert client.get(reverse("webhook-endpoint-secret", kwargs={"brain_slug": mould.slug, "pk": endpoint.pk})
                      ).status_code == 404
    with brain_context(pump.pk):
        endpoint.refresh_from_db()
        assert endpoint.deliveries.count() == 1


def test_membership_actions_on_another_brains_membership_are_404(mould, pump, olga, charlie_ent):
    with brain_context(pump.pk):
        theirs = Membership.objects.get(enterprise=charlie_ent)
    client = api_as(olga)
    for action in ("admit", "reject", "suspend", "reinstate", "verify"):
        url = reverse(f"membership-{action}", kwargs={"brain_slug": mould.slug, "pk": theirs.pk})
        assert client.post(url, {}, format="json").status_code == 404, action
    with brain_context(pump.pk):
        theirs.refresh_from_db()
    assert theirs.status == Membership.Status.ACTIVE


def test_marking_another_brains_notifications_read_touches_nothing(mould, pump, alice, charlie):
    with brain_context(pump.pk):
        theirs = Notification.objects.create(brain=pump, user=charlie, kind="membership.admitted")
    response = api_as(alice).post(
        reverse("notification-mark-read", kwargs={"brain_slug": mould.slug}), {"ids": [theirs.pk]}, format="json"
    )
    assert response.status_code == 200 and response.json() == {"marked": 0}
    with brain_context(pump.pk):
        theirs.refresh_from_db()
    assert theirs.read_at is None


def test_an_unknown_brain_is_404_in_the_api_format(alice):
    response = api_as(alice).get("/api/v1/brains/no-such-brain/processes/")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": response.json()["detail"], "fields": {}}


def test_a_brain_page_of_another_brain_is_404(client, alice, pump):
    client.force_login(alice)
    assert client.get(f"/b/{pump.slug}/").status_code == 404
    assert client.get(f"/b/{pump.slug}/notifications/").status_code == 404


def test_an_operator_of_one_brain_is_a_stranger_in_another(client, olga, pump):
    client.force_login(olga)
    assert client.get(f"/b/{pump.slug}/operator/members/").status_code == 404


def test_api_keys_of_another_enterprise_are_404(alice, charlie, mould, pump):
    from tenants import services

    theirs = services.api_key_create(by=charlie, name="ERP", scope="read", brains=[pump]).api_key
    client = api_as(alice)
    assert client.get(f"/api/v1/api-keys/{theirs.pk}/").status_code == 404
    assert client.delete(f"/api/v1/api-keys/{theirs.pk}/").status_code == 404
    assert theirs.pk not in [k["id"] for k in client.get("/api/v1/api-keys/").json()["results"]]
    # filtering by another enterprise narrows what alice sees; it does not widen it
    assert client.get("/api/v1/api-keys/", {"enterprise": charlie.enterprise_id}).json()["results"] == []
    assert client.post(f"/api/v1/api-keys/{theirs.pk}/rate-limit/", {"rate_limit_per_minute": 1},
                       format="json").status_code == 403  # platform administrators only, whoever's key
    theirs.refresh_from_db()
    assert theirs.revoked_at is None and theirs.rate_limit_per_minute == 600


@pytest.mark.parametrize("url", [
    "/api/v1/brains/mould/processes/", "/api/v1/brains/mould/memberships/", "/api/v1/brains/mould/notifications/",
])
def test_list_endpoints_do_not_grow_queries_with_rows(url, alice, olga, mould, django_assert_max_num_queries):
    """N+1 guard: ten more rows cost no more queries."""
    from conftest import join, make_enterprise

    def add_rows(start, count):
        for index in range(start, start + count):
            join(mould, make_enterprise(50 + index, f"测试企业{index}"))
            with brain_context(mould.pk):
                Process.objects.create(brain=mould, code=f"P{index}", name_zh="工序", name_en="p")
                Notification.objects.create(brain=mould, user=olga, kind="membership.applied",
                                            params={"enterprise": "x"})

    client = api_as(olga)
    add_rows(0, 1)
    client.get(url)
    with django_assert_max_num_queries(10) as before:
        client.get(url)
    add_rows(1, 10)
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert client.get(url).status_code == 200


def test_every_brain_endpoint_has_a_cross_brain_case():
    """A new tenant-owned endpoint without a case here fails, instead of leaking quietly."""
    from config.urls import brain_api_routers

    registered = {basename for router in brain_api_routers for _prefix, _viewset, basename in router.registry}
    assert registered and registered <= set(CASES), sorted(registered - set(CASES))


# --- Capacity sharing ------------------------------------------------------------------------------
# Alice buys in the mould brain; for the supplier-side endpoints her enterprise supplies there too. In
# the pump-valve brain charlie's enterprise buys and supplies. Each brain gets one more buyer whose RFQ
# the brain's own supplier quotes on.


def _with_roles(brain, user, *roles):
    with brain_context(brain.pk):
        membership = Membership.objects.get(brain=brain, enterprise_id=user.enterprise_id)
        membership.roles = sorted({*membership.roles, *roles})
        membership.save(update_fields=["roles"])


def _project_with_part(brain, owner):
    from capacity.services import projects

    _with_roles(brain, owner, "buyer")
    project = projects.project_create(brain=brain, by=owner, code=f"P-{brain.slug}", name="跨脑测试项目")
    process = "CNC" if brain.slug == "mould" else "CAST"
    part = projects.part_save(project=project, by=owner, part_no="A-01", name="阀体", quantity=2, processes=[process])
    return project, part


def _tendered(brain, supplier, *, awarded=False):
    """Another buyer's RFQ in `brain`, quoted by `supplier` (and awarded to it): (buyer, rfq, quote)."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from capacity.models import Rfq
    from capacity.services import awards, rfqs
    from conftest import join, make_enterprise

    _with_roles(brain, supplier, "supplier")
    enterprise = make_enterprise(81 if brain.slug == "mould" else 82, f"{brain.name_zh}的另一采购商")
    join(brain, enterprise, roles=("buyer",))
    buyer = make_user(f"buyer-{brain.slug}", enterprise=enterprise)
    project, part = _project_with_part(brain, buyer)
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
    return buyer, rfq, quote


class TestSupplierProfiles(CrossBrainCase):
    basename = "supplier-profile"

    def make_object(self, brain, *, owner):
        from decimal import Decimal

        from capacity.services import profiles

        _with_roles(brain, owner, "supplier")
        process = "CNC" if brain.slug == "mould" else "CAST"
        return profiles.profile_save(brain=brain, by=owner, summary="精密加工",
                                     capacities=[{"process": process, "weekly_free_hours": Decimal("40")}])


class TestProjects(CrossBrainCase):
    basename = "project"

    def make_object(self, brain, *, owner):
        return _project_with_part(brain, owner)[0]


class TestParts(CrossBrainWriteCase):
    basename = "part"
    update_payload = {"name": "改名"}

    def make_object(self, brain, *, owner):
        return _project_with_part(brain, owner)[1]


class TestDrawings(CrossBrainCase):
    basename = "drawing"

    def make_object(self, brain, *, owner):
        from capacity.models import Drawing

        part = _project_with_part(brain, owner)[1]
        with brain_context(brain.pk):  # the row is what matters here; uploads are tested in capacity
            return Drawing.objects.create(brain=brain, part=part, version=1, file=f"drawings/{brain.pk}.pdf",
                                          original_name="图纸.pdf", content_type="application/pdf", size=4,
                                          sha256="0" * 64, uploaded_by=owner)


class TestRfqs(CrossBrainCase):
    basename = "rfq"

    def make_object(self, brain, *, owner):
        from datetime import timedelta

        from django.utils import timezone

        from capacity.services import rfqs

        project, part = _project_with_part(brain, owner)
        return rfqs.rfq_create(project=project, by=owner, title="草稿询价", deadline=timezone.now() + timedelta(days=1),
                               lines=[{"part": part.pk}])


class TestQuestions(CrossBrainCase):
    basename = "question"

    def make_object(self, brain, *, owner):
        from capacity.services import rfqs

        _buyer, rfq, _quote = _tendered(brain, owner)
        return rfqs.question_ask(rfq=rfq, by=owner, text="材料可以替换吗？")


class TestQuotes(CrossBrainCase):
    basename = "quote"

    def make_object(self, brain, *, owner):
        return _tendered(brain, owner)[2]


class TestPurchaseOrders(CrossBrainCase):
    basename = "purchase-order"

    def make_object(self, brain, *, owner):
        from capacity.models import PurchaseOrder

        _buyer, rfq, _quote = _tendered(brain, owner, awarded=True)
        with brain_context(brain.pk):
            return PurchaseOrder.objects.get(rfq=rfq)


def test_capacity_actions_on_another_brains_objects_are_404_and_change_nothing(mould, pump, alice, charlie):
    """Every action, under the caller's brain and under the other brain: 404, and the RFQ stays as it was."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from capacity.models import Question, Rfq

    _project_with_part(mould, alice)  # alice has objects of her own in her brain
    buyer, rfq, quote = _tendered(pump, charlie)
    project_id, part_id = rfq.project_id, None
    with brain_context(pump.pk):
        part_id = rfq.lines.get().part_id
        question = Question.objects.create(brain=pump, rfq=rfq, asked_by_id=charlie.enterprise_id, text="？")
    client = api_as(alice)
    for brain in (mould, pump):
        def action(basename, name, pk):
            return reverse(f"{basename}-{name}", kwargs={"brain_slug": brain.slug, "pk": pk})

        calls = [
            ("post", action("rfq", "publish", rfq.pk), {}), ("post", action("rfq", "close", rfq.pk), {}),
            ("post", action("rfq", "cancel", rfq.pk), {}), ("get", action("rfq", "invitations", rfq.pk), None),
            ("get", action("rfq", "comparison", rfq.pk), None),
            ("get", action("rfq", "comparison-xlsx", rfq.pk), None),
            ("get", action("rfq", "recommendations", rfq.pk), None),
            ("post", action("rfq", "recommendations", rfq.pk), {}),
            ("post", action("rfq", "award", rfq.pk), {"decisions": [{"rfq_line": 1, "quote_line": 1}]}),
            ("get", action("rfq", "questions", rfq.pk), None),
            ("post", action("rfq", "questions", rfq.pk), {"text": "?"}),
            ("get", action("rfq", "quote", rfq.pk), None),
            ("put", action("rfq", "quote", rfq.pk),
             {"lines": [{"rfq_line": 1, "unit_price": "1", "lead_time_days": 1}]}),
            ("post", action("question", "answer", question.pk), {"answer": "！"}),
            ("get", action("project", "bom", project_id), None),
            ("get", action("drawing", "download", 999999), None),
        ]
        for method, url, payload in calls:
            response = getattr(client, method)(url, payload, format="json")
            assert response.status_code == 404, (method, url, response.status_code)
        upload = SimpleUploadedFile("bom.csv", b"part_no,name,quantity\nX,x,1\n")
        assert client.post(action("project", "import-bom", project_id), {"file": upload}).status_code == 404
        drawing = SimpleUploadedFile("a.pdf", b"%PDF-1.7 drawing")
        assert client.post(action("part", "drawings", part_id), {"file": drawing}).status_code == 404
        mine = reverse("supplier-profile-mine", kwargs={"brain_slug": brain.slug})
        if brain == pump:
            assert client.get(mine).status_code == 404
            assert client.put(mine, {"summary": "x"}, format="json").status_code == 404
    with brain_context(pump.pk):
        assert Rfq.objects.get(pk=rfq.pk).status == Rfq.Status.PUBLISHED
        question.refresh_from_db()
        assert question.answer == "" and Question.objects.filter(rfq=rfq).count() == 1


# --- Web pages -----------------------------------------------------------------------------------------


@pytest.fixture
def mould_pages(mould, alice, project, parts, shop_a, in_brain):
    """Every capacity detail page of alice's mould maker, with the object behind it."""
    from datetime import timedelta

    from django.utils import timezone

    from capacity.services import awards, projects, rfqs
    from capacity.tests.conftest import lines_of, past_deadline, price

    rfq = rfqs.rfq_publish(rfq=rfqs.rfq_create(project=project, by=alice, title="询价",
                                               deadline=timezone.now() + timedelta(days=1),
                                               lines=[{"part": parts["pin"].pk}]), by=alice)
    quote = rfqs.quote_submit(rfq=rfq, by=shop_a, lines=[price(lines_of(rfq)[0], "30")])
    past_deadline(rfq)
    with in_brain(mould):
        line = quote.lines.get()
    [order] = awards.award_lines(rfq=rfq, decisions={line.rfq_line_id: line.pk}, by=alice)
    job = projects.bom_import_start(project=project, by=alice, content=b"part_no,name,quantity\nX,x,1\n",
                                    filename="x.csv")
    return [f"/b/mould/capacity/projects/{project.pk}/", f"/b/mould/capacity/projects/{project.pk}/rfqs/new/",
            f"/b/mould/capacity/imports/{job.pk}/", f"/b/mould/capacity/rfqs/{rfq.pk}/",
            f"/b/mould/capacity/quote/{rfq.pk}/", f"/b/mould/capacity/purchase-orders/{order.pk}/"]


def test_capacity_pages_are_404_to_another_brain_and_another_enterprise(client, mould_pages, mould, alice, shop_a,
                                                                       charlie):
    """Each page opens for whom it is made (alice or her supplier), and is a 404 to everyone else: charlie of
    the pump-valve brain, and another buyer of the same brain."""
    from conftest import join, make_enterprise

    rival = make_user("huayu", enterprise=make_enterprise(31, "黄岩华宇塑料制品有限公司"))
    join(mould, rival.enterprise, roles=("buyer", "supplier"))
    for url in mould_pages:
        owner = shop_a if "/quote/" in url else alice
        client.force_login(owner)
        assert client.get(url).status_code == 200, url
        # an open-to-all RFQ is the rival supplier's to quote on too: not a leak
        for stranger in (charlie,) if "/quote/" in url else (charlie, rival):
            client.force_login(stranger)
            assert client.get(url).status_code == 404, (url, stranger)


# --- Remote mould trials ---------------------------------------------------------------------------------


def _trial(brain, owner):
    from datetime import timedelta

    from django.utils import timezone

    from capacity.services import trials

    project, _part = _project_with_part(brain, owner)
    return trials.trial_schedule(project=project, by=owner, scheduled_at=timezone.now() + timedelta(days=1),
                                 location="试模车间")


class TestMouldTrials(CrossBrainCase):
    basename = "mould-trial"

    def make_object(self, brain, *, owner):
        return _trial(brain, owner)


def test_mould_trial_actions_and_pages_of_another_brain_are_404_and_change_nothing(client, mould, pump, alice,
                                                                                    charlie):
    from capacity.models import MouldTrial, TrialModification

    _trial(mould, alice)  # alice has trials of her own
    theirs = _trial(pump, charlie)
    with brain_context(pump.pk):
        part_id = theirs.project.parts.get().pk
    api = api_as(alice)
    for brain in (mould, pump):
        for name, payload in (("record", {"shots": 1, "conclusion": "pass"}), ("cancel", {}),
                              ("modifications", {"description": "x", "part": part_id, "process": "CAST"})):
            url = reverse(f"mould-trial-{name}", kwargs={"brain_slug": brain.slug, "pk": theirs.pk})
            assert api.post(url, payload, format="json").status_code == 404, (brain.slug, name)
    client.force_login(alice)
    for slug in (mould.slug, pump.slug):
        assert client.get(f"/b/{slug}/capacity/trials/{theirs.pk}/").status_code == 404
        assert client.post(f"/b/{slug}/capacity/trials/{theirs.pk}/", {"action": "cancel"}).status_code == 404
        assert client.get(f"/b/{slug}/capacity/projects/{theirs.project_id}/trials/").status_code == 404
    with brain_context(pump.pk):
        assert MouldTrial.objects.get(pk=theirs.pk).status == "scheduled"
        assert not TrialModification.objects.exists()


# --- Work orders, progress reports, attachments, change requests -----------------------------------------


def _work_order(brain, owner, *, accepted=False):
    """Another buyer's work order in `brain`, made by `owner`'s enterprise (accepted into production)."""
    from capacity.models import WorkOrder
    from capacity.services import work_orders

    _buyer, rfq, _quote = _tendered(brain, owner, awarded=True)
    with brain_context(brain.pk):
        work_order = WorkOrder.objects.get(rfq=rfq)
    if accepted:
        work_order = work_orders.work_order_accept(work_order=work_order, by=owner)
    return work_order


def _line_and_operation(work_order):
    with brain_context(work_order.brain_id):
        line = work_order.lines.select_related("work_order", "part").get()
        return line, line.part.operations.first()


def _report(brain, owner):
    from capacity.services import work_orders

    line, operation = _line_and_operation(_work_order(brain, owner, accepted=True))
    return work_orders.progress_report(line=line, operation=operation, by=owner, status="in_progress", percent=10)


class TestWorkOrders(CrossBrainCase):
    basename = "work-order"

    def make_object(self, brain, *, owner):
        return _work_order(brain, owner)


class TestProgressReports(CrossBrainCase):
    basename = "progress-report"

    def make_object(self, brain, *, owner):
        return _report(brain, owner)


class TestAttachments(CrossBrainCase):
    basename = "attachment"

    def make_object(self, brain, *, owner):
        from capacity.models import Attachment

        report = _report(brain, owner)
        with brain_context(brain.pk):  # the row is what matters here; uploads are tested in capacity
            return Attachment.objects.create(brain=brain, report=report, kind="photo", file=f"attachments/{brain.pk}.jpg",
                                             original_name="进度.jpg", content_type="image/jpeg", size=4,
                                             sha256="0" * 64, uploaded_by=owner)


class TestChangeRequests(CrossBrainCase):
    basename = "change-request"

    def make_object(self, brain, *, owner):
        from capacity.services import change_requests

        line, _operation = _line_and_operation(_work_order(brain, owner, accepted=True))
        return change_requests.change_request_ask(line=line, by=owner, new_quantity=3, reason="多做一件备件")


def test_work_order_actions_on_another_brains_objects_are_404_and_change_nothing(mould, pump, alice, charlie):
    """Under the caller's brain and under the other brain: 404, and charlie's work order, reports and change
    request stay as they were."""
    from capacity.models import Attachment, ChangeRequest, ProgressReport, WorkOrder
    from capacity.services import change_requests

    _project_with_part(mould, alice)
    issued = _work_order(pump, charlie)  # waiting for charlie's enterprise to accept
    with brain_context(pump.pk):
        line = issued.lines.select_related("work_order", "part").get()
        operation = line.part.operations.first()
        WorkOrder.objects.filter(pk=issued.pk).update(status=WorkOrder.Status.ACCEPTED)
    change = change_requests.change_request_ask(line=line, by=charlie, new_quantity=3, reason="多做一件")
    with brain_context(pump.pk):
        WorkOrder.objects.filter(pk=issued.pk).update(status=WorkOrder.Status.ISSUED)
        attachment = Attachment.objects.create(
            brain=pump, report=ProgressReport.objects.create(brain=pump, line=line, operation=operation,
                                                             status="in_progress", reported_by=charlie),
            kind="photo", file="attachments/x.jpg", original_name="x.jpg", content_type="image/jpeg", size=1,
            sha256="0" * 64, uploaded_by=charlie)
    client = api_as(alice)
    for brain in (mould, pump):
        def action(basename, name, pk):
            return reverse(f"{basename}-{name}", kwargs={"brain_slug": brain.slug, "pk": pk})

        calls = [
            ("post", action("work-order", "accept", issued.pk), {}),
            ("post", action("work-order", "decline", issued.pk), {"reason": "不做"}),
            ("post", action("work-order", "report", issued.pk),
             {"line": line.pk, "operation": operation.pk, "status": "done"}),
            ("get", action("attachment", "download", attachment.pk), None),
            ("post", action("change-request", "accept", change.pk), {}),
            ("post", action("change-request", "reject", change.pk), {"response": "不行"}),
            ("post", action("change-request", "withdraw", change.pk), {}),
        ]
        for method, url, payload in calls:
            response = getattr(client, method)(url, payload, format="json")
            assert response.status_code == 404, (method, url, response.status_code)
        created = client.post(reverse("change-request-list", kwargs={"brain_slug": brain.slug}),
                              {"line": line.pk, "new_quantity": 5, "reason": "?"}, format="json")
        assert created.status_code in (400, 404) and created.status_code != 201
        page = client.get(f"/b/{brain.slug}/capacity/work-orders/{issued.pk}/")
        assert page.status_code == 404
        assert client.post(f"/b/{brain.slug}/capacity/work-orders/{issued.pk}/", {"action": "accept"}).status_code == 404
    with brain_context(pump.pk):
        assert WorkOrder.objects.get(pk=issued.pk).status == WorkOrder.Status.ISSUED
        assert ProgressReport.objects.filter(line=line).count() == 1
        assert list(ChangeRequest.objects.values_list("status", flat=True)) == ["pending"]


def test_work_order_pages_are_for_its_buyer_and_supplier_only(client, mould, alice, shop_a, shop_b, charlie):
    from capacity.models import WorkOrder

    work_order = _work_order(mould, shop_a)
    with brain_context(mould.pk):
        buyer = WorkOrder.objects.select_related("buyer").get(pk=work_order.pk).buyer
    for owner in (buyer.users.get(), shop_a):
        client.force_login(owner)
        assert client.get(f"/b/mould/capacity/work-orders/{work_order.pk}/").status_code == 200
    for stranger in (shop_b, alice, charlie):  # another supplier, another buyer, another brain
        client.force_login(stranger)
        assert client.get(f"/b/mould/capacity/work-orders/{work_order.pk}/").status_code == 404


# --- The project board and the brain's board settings ---------------------------------------------------


class TestBoardSettings(CrossBrainCase):
    """One object per brain at `board-settings/`: each brain's own, never another's; a stranger gets 404."""

    basename = "board-settings"

    def make_object(self, brain, *, owner):
        from capacity.models import BoardSettings

        with brain_context(brain.pk):
            return BoardSettings.objects.create(brain=brain, stale_after_days=4 if brain.slug == "mould" else 9)

    def url(self, brain, pk=None):
        return reverse("board-settings-detail", kwargs={"brain_slug": brain.slug})

    def test_list_shows_only_this_brains_objects(self, setup):
        client, mine, theirs, mould, pump = setup
        assert client.get(self.url(mould)).json()["stale_after_days"] == 4

    def test_detail_of_another_brains_object_is_404(self, setup):
        """There is no id to ask for: under her brain alice reads and writes her brain's row only."""
        client, mine, theirs, mould, pump = setup
        assert client.put(self.url(mould), {"stale_after_days": 5}, format="json").status_code == 200
        assert self.snapshot(theirs)["stale_after_days"] == 9

    def test_the_other_brains_url_is_404_for_a_non_member(self, setup):
        client, mine, theirs, mould, pump = setup
        before = self.snapshot(theirs)
        assert client.get(self.url(pump)).status_code == 404
        assert client.put(self.url(pump), {"stale_after_days": 2}, format="json").status_code == 404
        assert self.snapshot(theirs) == before


def test_another_brains_project_board_is_404_in_the_api_and_on_the_web(client, mould, pump, alice, charlie):
    from capacity.services import projects

    _project_with_part(mould, alice)
    theirs, _part = _project_with_part(pump, charlie)
    api = api_as(alice)
    for brain in (mould, pump):
        url = reverse("project-board", kwargs={"brain_slug": brain.slug, "pk": theirs.pk})
        assert api.get(url).status_code == 404, url
        client.force_login(alice)
        assert client.get(f"/b/{brain.slug}/capacity/projects/{theirs.pk}/board/").status_code == 404
    mine = projects.project_create(brain=mould, by=alice, code="P-board", name="看板")
    assert api.get(reverse("project-board", kwargs={"brain_slug": "mould", "pk": mine.pk})).status_code == 200
    assert api_as(charlie).get(reverse("project-board", kwargs={"brain_slug": "mould", "pk": mine.pk})).status_code == 404


def test_the_board_settings_page_is_404_to_another_brains_operator(client, mould, pump, olga, charlie):
    with brain_context(pump.pk):
        BrainStaff.objects.create(brain=pump, user=charlie, role=BrainStaff.Role.OPERATOR)
    client.force_login(olga)
    assert client.get("/b/mould/capacity/board-settings/").status_code == 200
    assert client.get("/b/pump-valve/capacity/board-settings/").status_code == 404
    assert client.post("/b/pump-valve/capacity/board-settings/", {"stale_after_days": 1}).status_code == 404
    client.force_login(charlie)
    assert client.get("/b/mould/capacity/board-settings/").status_code == 404


# --- Deliveries, inspections, ratings ------------------------------------------------------------------


def _delivered(brain, supplier, *, inspected=False, rated=False):
    """Another buyer's work order in `brain`, won and accepted by `supplier`, delivered whole (and inspected and
    rated by that buyer): (buyer, work order, delivery)."""
    from django.utils import timezone

    from capacity.models import WorkOrder
    from capacity.services import deliveries, ratings, work_orders

    buyer, rfq, _quote = _tendered(brain, supplier, awarded=True)
    with brain_context(brain.pk):
        work_order = WorkOrder.objects.get(rfq=rfq)
        line = work_order.lines.get()
    work_orders.work_order_accept(work_order=work_order, by=supplier)
    delivery = deliveries.delivery_record(work_order=work_order, by=supplier, note_number="SH-1",
                                          delivered_on=timezone.localdate(), lines={line.pk: line.quantity})
    if inspected or rated:
        with brain_context(brain.pk):
            row = delivery.lines.get()
        deliveries.delivery_inspect(delivery_line=row, by=buyer, outcome="accepted")
    if rated:
        ratings.work_order_rate(work_order=work_order, by=buyer, quality=4, on_time=4, communication=4)
    return buyer, work_order, delivery


class TestDeliveries(CrossBrainCase):
    basename = "delivery"

    def make_object(self, brain, *, owner):
        return _delivered(brain, owner)[2]


class TestDeliveryLines(CrossBrainCase):
    basename = "delivery-line"

    def make_object(self, brain, *, owner):
        delivery = _delivered(brain, owner)[2]
        with brain_context(brain.pk):
            return delivery.lines.get()


class TestRatings(CrossBrainCase):
    basename = "rating"

    def make_object(self, brain, *, owner):
        from capacity.models import SupplierRating

        work_order = _delivered(brain, owner, rated=True)[1]
        with brain_context(brain.pk):
            return SupplierRating.objects.get(work_order=work_order)


def test_delivery_actions_and_pages_of_another_brain_are_404_and_change_nothing(client, mould, pump, alice, charlie):
    """Charlie's buyer in the pump-valve brain has a pending delivery; alice (buyer and supplier in her own brain)
    can neither inspect it, nor deliver or rate on its work order, nor open its page, under either brain."""
    from capacity.models import Delivery, DeliveryLine, SupplierRating

    _with_roles(mould, alice, "buyer", "supplier")
    _buyer, work_order, delivery = _delivered(pump, charlie)
    with brain_context(pump.pk):
        row = delivery.lines.get()
    api = api_as(alice)
    client.force_login(alice)
    for brain in (mould, pump):
        inspect = reverse("delivery-line-inspect", kwargs={"brain_slug": brain.slug, "pk": row.pk})
        assert api.post(inspect, {"outcome": "accepted"}, format="json").status_code == 404
        created = api.post(reverse("delivery-list", kwargs={"brain_slug": brain.slug}),
                           {"work_order": work_order.pk, "note_number": "X", "delivered_on": "2026-01-01",
                            "lines": [{"line": row.line_id, "quantity": 1}]}, format="json")
        assert created.status_code in (400, 404) and created.status_code != 201
        rated = api.post(reverse("rating-list", kwargs={"brain_slug": brain.slug}),
                         {"work_order": work_order.pk, "quality": 1, "on_time": 1, "communication": 1}, format="json")
        assert rated.status_code in (400, 404) and rated.status_code != 201
        page = f"/b/{brain.slug}/capacity/work-orders/{work_order.pk}/deliveries/"
        assert client.get(page).status_code == 404
        assert client.post(page, {"action": "inspect", "delivery_line": row.pk, "outcome": "accepted"}).status_code == 404
    with brain_context(pump.pk):
        assert DeliveryLine.objects.get(pk=row.pk).outcome == "pending"
        assert Delivery.objects.filter(work_order=work_order).count() == 1 and not SupplierRating.objects.exists()


# --- Joint reserves (联储联备) ---------------------------------------------------------------------------
# In each brain an operator sets up a stocked reserve of 304 stainless with the owner's enterprise holding a
# share; the owner draws below the threshold, so a replenishment is open too. Alice operates the mould brain
# (the setup fixture), so every reserve object of hers is listed to her.


def _reserve_world(brain, owner):
    """(reserve, share, drawdown, reference price, the received first replenishment, the open one)."""
    from decimal import Decimal

    from django.utils import timezone

    from conftest import join, make_enterprise
    from supplychain.models import Replenishment
    from supplychain.services import reserves

    operator = make_user(f"reserve-op-{brain.slug}")
    supplier = make_enterprise(91 if brain.slug == "mould" else 92, f"{brain.name_zh}的钢材贸易商")
    join(brain, supplier, roles=("supplier",))
    with brain_context(brain.pk):
        BrainStaff.objects.create(brain=brain, user=operator, role=BrainStaff.Role.OPERATOR)
    _with_roles(brain, owner, "buyer")
    reserve = reserves.reserve_create(
        brain=brain, by=operator, supplier_id=supplier.pk, title="304不锈钢联储", material_grade="304", unit="t",
        base_price=Decimal("15800.00"), base_reference_price=Decimal("14500.00"), replenish_threshold=Decimal("20"),
        replenish_to=Decimal("60"))
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


class TestReserves(CrossBrainCase):
    basename = "reserve"

    def make_object(self, brain, *, owner):
        return _reserve_world(brain, owner)[0]


class TestReserveShares(CrossBrainCase):
    basename = "reserve-share"

    def make_object(self, brain, *, owner):
        return _reserve_world(brain, owner)[1]


class TestReserveDrawdowns(CrossBrainCase):
    basename = "reserve-drawdown"

    def make_object(self, brain, *, owner):
        return _reserve_world(brain, owner)[2]


class TestReserveReferencePrices(CrossBrainCase):
    basename = "reserve-reference-price"

    def make_object(self, brain, *, owner):
        return _reserve_world(brain, owner)[3]


class TestReserveReplenishments(CrossBrainCase):
    basename = "reserve-replenishment"

    def make_object(self, brain, *, owner):
        return _reserve_world(brain, owner)[4]


def test_reserve_actions_and_pages_of_another_brain_are_404_and_change_nothing(client, mould, pump, alice, charlie):
    """Alice operates the mould brain and buys there; the pump-valve brain's reserve, its shares and its open
    replenishment cannot be drawn on, committed to, priced, received, cancelled or closed by her, through the
    API under either brain or on the web."""
    from django.utils import timezone

    from supplychain.models import Drawdown, ReferencePrice, Replenishment, Reserve, ReserveShare

    with brain_context(mould.pk):
        BrainStaff.objects.create(brain=mould, user=alice, role=BrainStaff.Role.OPERATOR)
    _reserve_world(mould, alice)  # alice has a reserve and a share of her own
    reserve, share, drawdown, price, first, opened = _reserve_world(pump, charlie)

    def snapshot():
        with brain_context(pump.pk):
            return (Reserve.objects.filter(pk=reserve.pk).values().get(),
                    list(ReserveShare.objects.values().order_by("id")), Drawdown.objects.count(),
                    ReferencePrice.objects.count(), list(Replenishment.objects.values().order_by("id")))

    before = snapshot()
    api = api_as(alice)
    today = timezone.localdate().isoformat()
    for brain in (mould, pump):
        close = reverse("reserve-close", kwargs={"brain_slug": brain.slug, "pk": reserve.pk})
        assert api.post(close, format="json").status_code == 404, brain.slug
        for name, payload in (("receive", {"quantity": "1", "unit_cost": "1.00", "note_number": "X"}),
                              ("cancel", {"reason": "x"})):
            acted = reverse(f"reserve-replenishment-{name}", kwargs={"brain_slug": brain.slug, "pk": opened.pk})
            assert api.post(acted, payload, format="json").status_code == 404, (brain.slug, name)
        for basename, payload in (
                ("reserve-drawdown", {"reserve": reserve.pk, "quantity": "1"}),
                ("reserve-share", {"reserve": reserve.pk, "member": alice.enterprise_id, "committed": "5"}),
                ("reserve-reference-price", {"reserve": reserve.pk, "value": "1.00", "quoted_on": today,
                                             "source": "x"})):
            response = api.post(reverse(f"{basename}-list", kwargs={"brain_slug": brain.slug}), payload,
                                format="json")
            assert response.status_code in (400, 404), (brain.slug, basename, response.status_code)
    client.force_login(alice)
    for slug in (mould.slug, pump.slug):
        page = f"/b/{slug}/reserves/{reserve.pk}/"
        assert client.get(page).status_code == 404
        for action, payload in (("draw", {"quantity": "1"}), ("close", {}), ("commit", {"member": alice.enterprise_id,
                                                                                        "committed": "5"}),
                                ("receive", {"replenishment": opened.pk, "quantity": "1", "unit_cost": "1",
                                             "note_number": "X"}),
                                ("cancel-replenishment", {"replenishment": opened.pk, "reason": "x"})):
            assert client.post(page, {"action": action, **payload}).status_code == 404, (slug, action)
    # the mould brain's page with the pump-valve brain's replenishment id finds nothing either
    with brain_context(mould.pk):
        mine = Reserve.objects.get()
    response = client.post(f"/b/{mould.slug}/reserves/{mine.pk}/", {
        "action": "cancel-replenishment", "replenishment": opened.pk, "reason": "x"})
    assert response.status_code == 404
    assert snapshot() == before
# --- brain: government-data sync (operators only) ------------------------------------------------------------


def _sync_source(brain, owner, *, bad=True):
    """A file-drop source of `brain` with one run behind it and (if `bad`) one row in quarantine."""
    from django.conf import settings

    from brain.services import sync as brain_services
    from brain.sync.engine import sync_run_execute

    operator = make_user(f"gov-op-{brain.slug}")
    with brain_context(brain.pk):
        BrainStaff.objects.create(brain=brain, user=operator, role=BrainStaff.Role.OPERATOR)
    folder = settings.GOV_DATA_DROP_DIR / f"cross-{brain.slug}"
    folder.mkdir(parents=True, exist_ok=True)
    good = owner.enterprise.credit_code
    (folder / "rows.csv").write_text("tyshxydm,qymc,gxsj\n" f"{good},{owner.enterprise.legal_name},2026-03-01\n"
                                     + ("91331003MA0000001X,坏代码公司,2026-03-01\n" if bad else ""), encoding="utf-8")
    source = brain_services.data_source_create(
        brain=brain, by=operator, name=f"登记信息{brain.pk}", kind="file_drop", department="market_regulation",
        record_type="registration", folder=folder.name,
        mapping={"credit_code": "tyshxydm", "as_of": "gxsj", "attributes": {"legal_name": "qymc"}})
    run = sync_run_execute(brain_id=brain.pk, source_id=source.pk)
    return source, run, operator


@pytest.fixture
def _drop(settings, tmp_path):
    settings.GOV_DATA_DROP_DIR = tmp_path


@pytest.mark.usefixtures("_drop")
class TestSyncSources(CrossBrainWriteCase):
    basename = "sync-source"
    update_payload = {"name": "改名"}

    def make_object(self, brain, *, owner):
        return _sync_source(brain, owner)[0]


@pytest.mark.usefixtures("_drop")
class TestSyncRuns(CrossBrainCase):
    basename = "sync-run"

    def make_object(self, brain, *, owner):
        return _sync_source(brain, owner)[1]


@pytest.mark.usefixtures("_drop")
class TestQuarantinedRecords(CrossBrainCase):
    basename = "quarantined-record"

    def make_object(self, brain, *, owner):
        source = _sync_source(brain, owner)[0]
        with brain_context(brain.pk):
            return source.quarantine.get()


def test_sync_actions_and_pages_of_another_brain_are_404_and_change_nothing(client, _drop, mould, pump, alice,
                                                                             olga, charlie):
    """Olga operates the mould brain; the pump-valve brain's source, runs and quarantine do not exist for her,
    under either brain's URL, in the API and on the web. The public records its run brought are global."""
    from brain.models import PublicRecord, QuarantinedRecord, SyncRun

    source, run, _operator = _sync_source(pump, charlie)
    with brain_context(pump.pk):
        bad = source.quarantine.get()
    api = api_as(olga)
    client.force_login(olga)
    for slug in (mould.slug, pump.slug):
        assert api.post(reverse("sync-source-run", kwargs={"brain_slug": slug, "pk": source.pk})).status_code == 404
        for name in ("retry", "dismiss"):
            url = reverse(f"quarantined-record-{name}", kwargs={"brain_slug": slug, "pk": bad.pk})
            assert api.post(url, {"credit_code": "91331003MA00000018"}, format="json").status_code == 404
        for page in (f"/b/{slug}/operator/sync/sources/{source.pk}/", f"/b/{slug}/operator/sync/runs/{run.pk}/"):
            assert client.get(page).status_code == 404
        assert client.post(f"/b/{slug}/operator/sync/sources/{source.pk}/", {"action": "run"}).status_code == 404
    response = client.post(f"/b/{mould.slug}/operator/sync/quarantine/", {"action": "dismiss", "record": bad.pk})
    assert response.status_code == 404
    assert client.get(f"/b/{mould.slug}/operator/sync/").status_code == 200  # her own brain's page
    assert source.name not in client.get(f"/b/{mould.slug}/operator/sync/").content.decode()
    with brain_context(pump.pk):
        assert SyncRun.objects.filter(source=source).count() == 1
        assert QuarantinedRecord.objects.get(pk=bad.pk).status == "open"
    # Public records are global: what the pump-valve brain's source brought is the same fact for every brain.
    assert PublicRecord.objects.get(credit_code=charlie.enterprise.credit_code).values["legal_name"] == \
        charlie.enterprise.legal_name


def test_sync_pages_and_api_are_404_to_members_who_are_not_operators(client, _drop, mould, alice):
    _sync_source(mould, alice)
    client.force_login(alice)
    api = api_as(alice)
    for page in ("/b/mould/operator/sync/", "/b/mould/operator/sync/quarantine/"):
        assert client.get(page).status_code == 404
    for name in ("sync-source-list", "sync-run-list", "quarantined-record-list"):
        assert api.get(reverse(name, kwargs={"brain_slug": mould.slug})).status_code == 404


class TestEnterpriseFiles(CrossBrainCase):
    """The file's id is the enterprise's: alice's enterprise is in the mould brain, charlie's only in pump-valve."""

    basename = "enterprise-file"

    def make_object(self, brain, *, owner):
        return owner.enterprise


def test_enterprise_file_pages_of_another_brain_are_404(client, mould, pump, alice, charlie):
    client.force_login(alice)
    assert client.get(f"/b/{mould.slug}/enterprises/{alice.enterprise_id}/").status_code == 200
    for slug in (mould.slug, pump.slug):
        assert client.get(f"/b/{slug}/enterprises/{charlie.enterprise_id}/").status_code == 404


def _published_policy(brain, operator):
    from brain.services import policies as policy_services
    from brain.models import PolicyMatch

    with brain_context(brain.pk):
        if not BrainStaff.objects.filter(brain=brain, user=operator, role=BrainStaff.Role.OPERATOR).exists():
            BrainStaff.objects.create(brain=brain, user=operator, role=BrainStaff.Role.OPERATOR)
    policy = policy_services.policy_create(brain=brain, by=operator, title=f"{brain.slug} 专项补助", issuer="经信局",
                                           summary="补助", rules=[{"field": "roles", "op": "has_any",
                                                                  "value": ["buyer", "supplier"]}])
    policy = policy_services.policy_publish(policy=policy, by=operator)
    policy_services.policy_match(brain_id=brain.pk, policy_id=policy.pk)
    with brain_context(brain.pk):
        return policy, PolicyMatch.objects.filter(policy=policy).first()


class TestPolicies(CrossBrainWriteCase):
    basename = "policy"
    update_payload = {"title": "改名"}

    def make_object(self, brain, *, owner):
        return _published_policy(brain, owner)[0]


class TestPolicyMatches(CrossBrainCase):
    basename = "policy-match"

    def make_object(self, brain, *, owner):
        return _published_policy(brain, owner)[1]


def test_policy_actions_and_pages_of_another_brain_are_404_and_change_nothing(client, mould, pump, alice, olga,
                                                                              charlie):
    """Olga operates the mould brain: the pump-valve brain's policy and its decisions do not exist for her, under
    either brain's URL, in the API and on the web; alice, a member of the mould brain, sees no decision but her own."""
    from brain.models import Policy, PolicyMatch

    policy, match = _published_policy(pump, charlie)
    api = api_as(olga)
    client.force_login(olga)
    for slug in (mould.slug, pump.slug):
        for name, body in (("publish", {}), ("withdraw", {"reason": "x"}), ("rematch", {})):
            url = reverse(f"policy-{name}", kwargs={"brain_slug": slug, "pk": policy.pk})
            assert api.post(url, body, format="json").status_code == 404
        for page in (f"/b/{slug}/policies/{policy.pk}/", f"/b/{slug}/policies/{policy.pk}/edit/",
                     f"/b/{slug}/policies/{policy.pk}/decisions.csv",
                     f"/b/{slug}/policies/{policy.pk}/enterprises/{charlie.enterprise_id}/"):
            assert client.get(page).status_code == 404
        assert client.post(f"/b/{slug}/policies/{policy.pk}/", {"action": "withdraw", "reason": "x"}).status_code == 404
    assert policy.title not in client.get(f"/b/{mould.slug}/policies/").content.decode()
    with brain_context(pump.pk):
        assert Policy.objects.get(pk=policy.pk).status == "published"
    from conftest import join, make_enterprise

    neighbour = make_enterprise(78, "台州市黄岩永盛数控加工有限公司")
    join(mould, neighbour, roles=("supplier",))
    mine, my_match = _published_policy(mould, olga)
    client.force_login(alice)
    decision = f"/b/{mould.slug}/policies/{mine.pk}/enterprises/{{}}/"
    assert client.get(decision.format(alice.enterprise_id)).status_code == 200
    assert client.get(decision.format(neighbour.pk)).status_code == 404  # a decision of the same brain, not hers
    assert client.get(f"/b/{mould.slug}/policies/{mine.pk}/edit/").status_code == 404  # not an operator
    viewer = make_user("gov-viewer")
    with brain_context(mould.pk):
        BrainStaff.objects.create(brain=mould, user=viewer, role=BrainStaff.Role.GOVERNMENT_VIEWER)
        theirs = PolicyMatch.objects.get(policy=mine, enterprise=neighbour)
    client.force_login(viewer)
    assert client.get(f"/b/{mould.slug}/policies/{mine.pk}/").status_code == 200  # the policy and its counts
    assert client.get(decision.format(neighbour.pk)).status_code == 404
    detail = reverse("policy-match-detail", kwargs={"brain_slug": mould.slug, "pk": theirs.pk})
    assert api_as(viewer).get(detail).status_code == 404
