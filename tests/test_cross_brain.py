"""The cross-brain suite, run on every operation of the brain API: routes and custom actions alike.

The operations come from the URL configuration (`tests.endpoints.brain_api_operations`), each endpoint's objects
and bodies from its declaration in `tests/endpoints.py`; an operation without one fails here, named. Alice is a
member and an operator of the mould brain; charlie's objects are in the pump-valve brain. Whatever alice asks of
charlie's object, under her brain's URL or under his, is a 404 `not_found`, the same answer as for an id that
exists nowhere, and changes nothing anywhere; a plain member of her brain gets the same 404 (never a 403, which
would tell that the object exists). The same request on alice's own object is what shows the 404 is the brain's
doing and not a wrong URL or body: it is anything but a 404 (or the status the declaration names).
"""

from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from rest_framework.test import APIClient

from conftest import api_as, make_user
from tenants.context import brain_context, cross_brain
from tenants.models import ApiKey, Brain, BrainStaff
from tests.endpoints import (
    ENDPOINTS, Operation, Send, board_settings, brain_api_operations, delivered, mould_trial, party,
    project_with_part, published_policy, reserve_world, sync_source, with_roles, work_order,
)
from tests.support import url

OPERATIONS = brain_api_operations()
NOWHERE = 2_000_000_000  # an id that no brain has


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GOV_DATA_DROP_DIR = tmp_path / "drop"


# --- Nothing changes: every row of every table the project owns, across brains --------------------------------


def project_models():
    return [model for config in apps.get_app_configs() if config.path.startswith(str(settings.BASE_DIR))
            and "/.venv/" not in config.path for model in config.get_models()]


def everything():
    with cross_brain(reason="test: the cross-brain suite's before and after"):
        return {model._meta.label: list(model._base_manager.order_by("pk").values()) for model in project_models()}


def of_brain(rows, brain):
    return {label: [row for row in table if row.get("brain_id") == brain.pk] for label, table in rows.items()}


def row_in(rows, obj):
    return next(row for row in rows[obj._meta.label] if row["id"] == obj.pk)


def changed(before, after):
    return sorted(label for label in before if before[label] != after[label])


# --- Requests ---------------------------------------------------------------------------------------------------


def request(client, operation, send, *, brain, pk=None, body_of=None):
    """Send `operation` under `brain`'s URL (for object `pk`), with the body its declaration gives for `body_of`."""
    path = url(operation.name, pk if operation.detail else None, brain=brain)
    body = send.body_for(body_of)
    if operation.method in ("get", "delete"):
        return getattr(client, operation.method)(path)
    return getattr(client, operation.method)(path, body, format="multipart" if send.multipart else "json")


def shown(response):
    return response.content[:300] if not response.streaming else f"<a {response['Content-Type']} file>"


def assert_not_found(response, what):
    assert response.status_code == 404, f"{what}: {response.status_code} {shown(response)}"
    assert response.json()["code"] == "not_found", f"{what}: {shown(response)}"


def assert_own(response, send, what):
    """The same request on one's own object: the status declared, else anything but a 404."""
    expected = send.own
    if expected is None:
        assert response.status_code != 404, f"{what} on one's own object: 404 {shown(response)}"
    else:
        assert response.status_code == expected, f"{what} on one's own object: {response.status_code} " \
                                                 f"{shown(response)}"


# --- The suite --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
def test_another_brains_object_is_not_found(operation, mould, pump, alice, charlie):
    endpoint = ENDPOINTS.get(operation.basename)
    assert endpoint, f"{operation}: endpoint {operation.basename!r} has no cross-brain case: declare it in " \
                     "tests/endpoints.py, ENDPOINTS"
    send = endpoint.send(operation)
    assert send, f"{operation}: no cross-brain case: say what it is sent in tests/endpoints.py, " \
                 f"ENDPOINTS[{operation.basename!r}].sends[{operation.key!r}]"
    with brain_context(mould.pk):  # alice operates her brain too, so every operation is open to her there
        BrainStaff.objects.create(brain=mould, user=alice, role=BrainStaff.Role.OPERATOR)
    make = endpoint.make_for(operation)
    world = World(operation, send, mould, pump, api_as(alice), mine=make(mould, alice), theirs=make(pump, charlie))
    if operation.key == "GET list":
        world.lists_only_its_brains_objects()
    elif operation.open_to_non_members:
        world.lets_a_stranger_in_for_its_own_row_only(alice, charlie)
    elif operation.detail and not endpoint.singleton:
        world.finds_nothing_of_another_brain()
    else:
        world.takes_nothing_of_another_brain()


@dataclass
class World:
    """An operation, alice's client, her mould brain and object, charlie's pump-valve brain and object."""

    operation: Operation
    send: Send
    mould: Brain
    pump: Brain
    client: APIClient
    mine: Any
    theirs: Any

    def __str__(self):
        return str(self.operation)

    def ask(self, brain, obj=None, *, client=None, body_of=None):
        return request(client or self.client, self.operation, self.send, brain=brain,
                       pk=getattr(obj, "pk", obj), body_of=body_of if body_of is not None else obj)

    def lists_only_its_brains_objects(self):
        listed = self.client.get(url(self.operation.name, brain=self.mould))
        assert listed.status_code == 200, listed.content
        ids = [row["id"] for row in listed.json()["results"]]
        assert self.mine.pk in ids and self.theirs.pk not in ids, (self, self.mine.pk, self.theirs.pk, ids)
        assert_not_found(self.client.get(url(self.operation.name, brain=self.pump)), f"{self} under the other brain")

    def lets_a_stranger_in_for_its_own_row_only(self, alice, charlie):
        """An enterprise applies to a brain it is not in: the answer is its own application, nothing of others'."""
        before = everything()
        response = self.ask(self.pump, body_of=self.theirs)
        assert response.status_code == 201, (self, response.content)
        assert response.json()["enterprise"]["id"] == alice.enterprise_id, (self, response.content)
        assert charlie.enterprise.legal_name not in response.content.decode(), (self, response.content)
        assert row_in(everything(), self.theirs) == row_in(before, self.theirs), f"{self} changed theirs"

    def finds_nothing_of_another_brain(self):
        """The other brain's object, under either brain's URL and to a plain member too, is the 404 of an id
        that exists nowhere; nothing changes; one's own object is found."""
        bystander = api_as(party(self.mould, ("supplier",), "旁观者"))
        before = everything()
        nowhere = self.ask(self.mould, NOWHERE, body_of=self.theirs)
        assert_not_found(nowhere, f"{self} with an id that exists nowhere")
        for brain in (self.mould, self.pump):
            response = self.ask(brain, self.theirs)
            assert_not_found(response, f"{self} of the other brain's object under {brain.slug}")
            assert response.json() == nowhere.json(), f"{self}: not yours must read as does not exist"
        assert_not_found(self.ask(self.mould, self.theirs, client=bystander), f"{self} by a plain member")
        assert not changed(before, after := everything()), f"{self} changed {changed(before, after)}"
        assert_own(self.ask(self.mould, self.mine), self.send, self)
        assert not changed(of_brain(before, self.pump), of_brain(everything(), self.pump)), self

    def takes_nothing_of_another_brain(self):
        """A create or an action on the collection: under the other brain's URL a 404; under one's own, a body
        naming the other brain's object is refused (or skips it); nothing changes. The same body naming one's own
        object is answered otherwise: it is the brain that made the difference."""
        before = everything()
        assert_not_found(self.ask(self.pump, body_of=self.theirs), f"{self} under the other brain")
        if self.send.names_an_object:
            refused = self.ask(self.mould, body_of=self.theirs)
            if self.send.answer is not None:
                assert refused.status_code == 200 and refused.json() == self.send.answer, (self, shown(refused))
            else:
                assert refused.status_code in self.send.refused, (self, refused.status_code, shown(refused))
        assert not changed(before, after := everything()), f"{self} changed {changed(before, after)}"
        own = self.ask(self.mould, body_of=self.mine)
        assert_own(own, self.send, self)
        if self.send.names_an_object:
            assert (own.status_code, own.content) != (refused.status_code, refused.content), self
        assert not changed(of_brain(before, self.pump), of_brain(everything(), self.pump)), self


def test_every_declared_operation_is_served():
    """A declaration for a route that went away is a leftover, not a case."""
    served = {(operation.basename, operation.key) for operation in OPERATIONS}
    declared = {(basename, key) for basename, endpoint in ENDPOINTS.items() for key in endpoint.sends}
    assert not declared - served, sorted(declared - served)
    assert not set(ENDPOINTS) - {basename for basename, _key in served}


def test_the_operations_are_the_openapi_schemas():
    """Nothing under /api/v1/brains/ escapes the enumeration: the schema's brain operations are exactly these."""
    from django.urls import resolve
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    prefix = "/api/v1/brains/{brain_slug}/"
    documented = set()
    for path, methods in schema["paths"].items():
        if path.startswith(prefix):
            name = resolve(path.replace("{brain_slug}", "mould").replace("{id}", "1")).url_name
            documented |= {f"{method.upper()} {name}" for method in methods if method != "parameters"}
    assert documented == {str(operation) for operation in OPERATIONS}


def test_each_brain_reads_and_writes_its_own_board_settings(mould, pump, alice, charlie, olga):
    """The board settings have no id to ask for: under her brain an operator reads and writes her brain's row."""
    mine, theirs = board_settings(mould, alice), board_settings(pump, charlie)
    assert api_as(olga).get(url("board-settings-detail")).json()["stale_after_days"] == mine.stale_after_days == 4
    assert api_as(olga).put(url("board-settings-detail"), {"stale_after_days": 5}, format="json").status_code == 200
    with brain_context(pump.pk):
        theirs.refresh_from_db()
    assert theirs.stale_after_days == 9


# --- Outside the routers: unknown brains, API keys, pages ----------------------------------------------------


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
    issued = api_as(charlie).post("/api/v1/api-keys/", {"name": "ERP", "scope": "read", "brains": [pump.slug]},
                                  format="json")
    assert issued.status_code == 201, issued.content
    theirs = ApiKey.objects.get(pk=issued.json()["id"])
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


# Capacity pages


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
    for path in mould_pages:
        owner = shop_a if "/quote/" in path else alice
        client.force_login(owner)
        assert client.get(path).status_code == 200, path
        # an open-to-all RFQ is the rival supplier's to quote on too: not a leak
        for stranger in (charlie,) if "/quote/" in path else (charlie, rival):
            client.force_login(stranger)
            assert client.get(path).status_code == 404, (path, stranger)


def test_mould_trial_pages_of_another_brain_are_404_and_change_nothing(client, mould, pump, alice, charlie):
    from capacity.models import MouldTrial

    mould_trial(mould, alice)  # alice has trials of her own
    theirs = mould_trial(pump, charlie)
    client.force_login(alice)
    for slug in (mould.slug, pump.slug):
        assert client.get(f"/b/{slug}/capacity/trials/{theirs.pk}/").status_code == 404
        assert client.post(f"/b/{slug}/capacity/trials/{theirs.pk}/", {"action": "cancel"}).status_code == 404
        assert client.get(f"/b/{slug}/capacity/projects/{theirs.project_id}/trials/").status_code == 404
    with brain_context(pump.pk):
        assert MouldTrial.objects.get(pk=theirs.pk).status == "scheduled"


def test_work_order_pages_of_another_brain_are_404_and_change_nothing(client, mould, pump, alice, charlie):
    from capacity.models import WorkOrder

    project_with_part(mould, alice)
    issued = work_order(pump, charlie)  # waiting for charlie's enterprise to accept
    client.force_login(alice)
    for slug in (mould.slug, pump.slug):
        assert client.get(f"/b/{slug}/capacity/work-orders/{issued.pk}/").status_code == 404
        assert client.post(f"/b/{slug}/capacity/work-orders/{issued.pk}/", {"action": "accept"}).status_code == 404
    with brain_context(pump.pk):
        assert WorkOrder.objects.get(pk=issued.pk).status == WorkOrder.Status.ISSUED


def test_work_order_pages_are_for_its_buyer_and_supplier_only(client, mould, alice, shop_a, shop_b, charlie):
    from capacity.models import WorkOrder

    made = work_order(mould, shop_a)
    with brain_context(mould.pk):
        buyer = WorkOrder.objects.select_related("buyer").get(pk=made.pk).buyer
    for owner in (buyer.users.get(), shop_a):
        client.force_login(owner)
        assert client.get(f"/b/mould/capacity/work-orders/{made.pk}/").status_code == 200
    for stranger in (shop_b, alice, charlie):  # another supplier, another buyer, another brain
        client.force_login(stranger)
        assert client.get(f"/b/mould/capacity/work-orders/{made.pk}/").status_code == 404


def test_another_brains_project_board_is_404_on_the_web(client, mould, pump, alice, charlie):
    project_with_part(mould, alice)
    theirs, _part = project_with_part(pump, charlie)
    client.force_login(alice)
    for slug in (mould.slug, pump.slug):
        assert client.get(f"/b/{slug}/capacity/projects/{theirs.pk}/board/").status_code == 404


def test_the_board_settings_page_is_404_to_another_brains_operator(client, mould, pump, olga, charlie):
    with brain_context(pump.pk):
        BrainStaff.objects.create(brain=pump, user=charlie, role=BrainStaff.Role.OPERATOR)
    client.force_login(olga)
    assert client.get("/b/mould/capacity/board-settings/").status_code == 200
    assert client.get("/b/pump-valve/capacity/board-settings/").status_code == 404
    assert client.post("/b/pump-valve/capacity/board-settings/", {"stale_after_days": 1}).status_code == 404
    client.force_login(charlie)
    assert client.get("/b/mould/capacity/board-settings/").status_code == 404


def test_delivery_pages_of_another_brain_are_404_and_change_nothing(client, mould, pump, alice, charlie):
    """Charlie's buyer in the pump-valve brain has a pending delivery; alice (buyer and supplier in her own brain)
    can neither open its page nor inspect it there, under either brain."""
    from capacity.models import DeliveryLine

    with_roles(mould, alice, "buyer", "supplier")
    delivery = delivered(pump, charlie)
    with brain_context(pump.pk):
        row = delivery.lines.get()
    client.force_login(alice)
    for slug in (mould.slug, pump.slug):
        page = f"/b/{slug}/capacity/work-orders/{delivery.work_order_id}/deliveries/"
        assert client.get(page).status_code == 404
        assert client.post(page, {"action": "inspect", "delivery_line": row.pk, "outcome": "accepted"}).status_code == 404
    with brain_context(pump.pk):
        assert DeliveryLine.objects.get(pk=row.pk).outcome == "pending"


# Joint reserves (联储联备) pages


def test_reserve_pages_of_another_brain_are_404_and_change_nothing(client, mould, pump, alice, charlie):
    """Alice operates the mould brain and buys there; the pump-valve brain's reserve, its shares and its open
    replenishment cannot be drawn on, committed to, received, cancelled or closed by her on the web, under either
    brain's URL."""
    from supplychain.models import Drawdown, ReferencePrice, Replenishment, Reserve, ReserveShare

    with brain_context(mould.pk):
        BrainStaff.objects.create(brain=mould, user=alice, role=BrainStaff.Role.OPERATOR)
    mine = reserve_world(mould, alice)[0]  # alice has a reserve and a share of her own
    reserve, *_made, opened = reserve_world(pump, charlie)

    def snapshot():
        with brain_context(pump.pk):
            return (Reserve.objects.filter(pk=reserve.pk).values().get(),
                    list(ReserveShare.objects.values().order_by("id")), Drawdown.objects.count(),
                    ReferencePrice.objects.count(), list(Replenishment.objects.values().order_by("id")))

    before = snapshot()
    client.force_login(alice)
    for slug in (mould.slug, pump.slug):
        page = f"/b/{slug}/reserves/{reserve.pk}/"
        assert client.get(page).status_code == 404
        for action, payload in (("draw", {"quantity": "1"}), ("close", {}),
                                ("commit", {"member": alice.enterprise_id, "committed": "5"}),
                                ("receive", {"replenishment": opened.pk, "quantity": "1", "unit_cost": "1",
                                             "note_number": "X"}),
                                ("cancel-replenishment", {"replenishment": opened.pk, "reason": "x"})):
            assert client.post(page, {"action": action, **payload}).status_code == 404, (slug, action)
    # the mould brain's page with the pump-valve brain's replenishment id finds nothing either
    response = client.post(f"/b/{mould.slug}/reserves/{mine.pk}/", {
        "action": "cancel-replenishment", "replenishment": opened.pk, "reason": "x"})
    assert response.status_code == 404
    assert snapshot() == before


# Government-data sync, enterprise files and policies (brain)


def test_sync_pages_of_another_brain_are_404_and_change_nothing(client, mould, pump, olga, charlie):
    """Olga operates the mould brain; the pump-valve brain's source, runs and quarantine do not exist for her on
    the web, under either brain's URL. The public records its run brought are global."""
    from brain.models import PublicRecord, QuarantinedRecord, SyncRun

    source = sync_source(pump, charlie)
    with brain_context(pump.pk):
        run, bad = source.runs.get(), source.quarantine.get()
    client.force_login(olga)
    for slug in (mould.slug, pump.slug):
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


def test_sync_pages_and_api_are_404_to_members_who_are_not_operators(client, mould, alice):
    sync_source(mould, alice)
    client.force_login(alice)
    api = api_as(alice)
    for page in ("/b/mould/operator/sync/", "/b/mould/operator/sync/quarantine/"):
        assert client.get(page).status_code == 404
    for name in ("sync-source-list", "sync-run-list", "quarantined-record-list"):
        assert api.get(url(name)).status_code == 404


def test_enterprise_file_pages_of_another_brain_are_404(client, mould, pump, alice, charlie):
    client.force_login(alice)
    assert client.get(f"/b/{mould.slug}/enterprises/{alice.enterprise_id}/").status_code == 200
    for slug in (mould.slug, pump.slug):
        assert client.get(f"/b/{slug}/enterprises/{charlie.enterprise_id}/").status_code == 404


def test_policy_pages_of_another_brain_are_404_and_change_nothing(client, mould, pump, alice, olga, charlie):
    """Olga operates the mould brain: the pump-valve brain's policy and its decisions do not exist for her on the
    web, under either brain's URL; alice, a member of the mould brain, sees no decision but her own."""
    from brain.models import Policy, PolicyMatch

    policy = published_policy(pump, charlie)
    client.force_login(olga)
    for slug in (mould.slug, pump.slug):
        for page in (f"/b/{slug}/policies/{policy.pk}/", f"/b/{slug}/policies/{policy.pk}/edit/",
                     f"/b/{slug}/policies/{policy.pk}/decisions.csv",
                     f"/b/{slug}/policies/{policy.pk}/enterprises/{charlie.enterprise_id}/"):
            assert client.get(page).status_code == 404
        assert client.post(f"/b/{slug}/policies/{policy.pk}/", {"action": "withdraw", "reason": "x"}).status_code == 404
    assert policy.title not in client.get(f"/b/{mould.slug}/policies/").content.decode()
    with brain_context(pump.pk):
        assert Policy.objects.get(pk=policy.pk).status == "published"
    neighbour = party(mould, ("supplier",), "数控加工")
    mine = published_policy(mould, olga)
    client.force_login(alice)
    decision = f"/b/{mould.slug}/policies/{mine.pk}/enterprises/{{}}/"
    assert client.get(decision.format(alice.enterprise_id)).status_code == 200
    assert client.get(decision.format(neighbour.enterprise_id)).status_code == 404  # of the same brain, not hers
    assert client.get(f"/b/{mould.slug}/policies/{mine.pk}/edit/").status_code == 404  # not an operator
    viewer = make_user("gov-viewer")
    with brain_context(mould.pk):
        BrainStaff.objects.create(brain=mould, user=viewer, role=BrainStaff.Role.GOVERNMENT_VIEWER)
        theirs = PolicyMatch.objects.get(policy=mine, enterprise_id=neighbour.enterprise_id)
    client.force_login(viewer)
    assert client.get(f"/b/{mould.slug}/policies/{mine.pk}/").status_code == 200  # the policy and its counts
    assert client.get(decision.format(neighbour.enterprise_id)).status_code == 404
    assert api_as(viewer).get(url("policy-match-detail", theirs.pk)).status_code == 404
