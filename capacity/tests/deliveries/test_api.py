"""Delivery, inspection and rating over the API, as an ERP or MES would use them."""

from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from capacity.models import DeliveryLine, SupplierProfile, WorkOrder
from conftest import api_as, join, make_enterprise, make_user
from tenants.context import brain_context
from tenants.services import api_keys as services
from tests.support import url


def lines_by_part(work_order):
    with brain_context(work_order.brain_id):
        return {line.part.part_no: line for line in work_order.lines.select_related("part")}


def key_client(user, brain, scope="write"):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {services.api_key_create(by=user, name='MES', scope=scope, brains=[brain]).secret}")
    return client


@pytest.fixture
def wo(accepted):
    work_order, _ = accepted
    return work_order, lines_by_part(work_order)


def delivery_body(work_order, lines, number="SH-001", **extra):
    return {"work_order": work_order.pk, "note_number": number, "delivered_on": timezone.localdate().isoformat(),
            "lines": [{"line": line.pk, "quantity": quantity} for line, quantity in lines], **extra}


def test_the_suppliers_mes_records_a_delivery_and_the_buyers_erp_inspects_it(wo, shop_a, alice, mould):
    work_order, lines = wo
    mes, erp = key_client(shop_a, mould), key_client(alice, mould)
    response = mes.post(url("delivery-list"), delivery_body(work_order, [(lines["EJ-01"], 40), (lines["CAV-01"], 1)]),
                        format="json")
    assert response.status_code == 201, response.json()
    delivery = response.json()
    assert delivery["note_number"] == "SH-001" and delivery["number"].startswith("PO-")
    rows = {row["part_no"]: row for row in delivery["lines"]}
    assert rows["EJ-01"]["outcome"] == "pending" and rows["EJ-01"]["quantity"] == 40
    assert rows["EJ-01"]["process"] == "HT" and rows["CAV-01"]["process"] is None

    pending = erp.get(url("delivery-line-list"), {"work_order": work_order.pk, "outcome": "pending"}).json()
    assert pending["count"] == 2
    inspected = erp.post(url("delivery-line-inspect", pk=rows["EJ-01"]["id"]),
                         {"outcome": "rejected", "rejected_quantity": 3, "reason": "硬度不足"}, format="json")
    assert inspected.status_code == 200, inspected.json()
    body = inspected.json()
    assert (body["accepted_quantity"], body["rejected_quantity"]) == (37, 3)
    assert (body["amount"], body["tax"], body["net"]) == ("1110.00", "127.70", "982.30")
    assert body["inspected_on"] == timezone.localdate().isoformat()
    again = erp.post(url("delivery-line-inspect", pk=rows["EJ-01"]["id"]), {"outcome": "accepted"}, format="json")
    assert again.status_code == 400 and again.json()["code"] == "already_inspected"

    erp.post(url("delivery-line-inspect", pk=rows["CAV-01"]["id"]), {"outcome": "accepted"}, format="json")
    redelivered = mes.post(url("delivery-list"), delivery_body(work_order, [(lines["EJ-01"], 3)], "SH-002"),
                           format="json").json()
    erp.post(url("delivery-line-inspect", pk=redelivered["lines"][0]["id"]), {"outcome": "accepted"}, format="json")
    with brain_context(mould.pk):
        work_order = WorkOrder.objects.get(pk=work_order.pk)
    assert work_order.status == WorkOrder.Status.COMPLETED and work_order.accepted_amount == Decimal("19200.00")

    rated = erp.post(url("rating-list"), {"work_order": work_order.pk, "quality": 4, "on_time": 5,
                                          "communication": 5, "comment": "返工及时"}, format="json")
    assert rated.status_code == 201, rated.json()
    assert rated.json()["score"] == "4.67" and rated.json()["supplier"]["id"] == shop_a.enterprise_id
    received = mes.get(url("rating-list")).json()["results"]
    assert [r["id"] for r in received] == [rated.json()["id"]]
    profile = api_as(alice).get(url("supplier-profile-list")).json()["results"]
    [record] = [p for p in profile if p["enterprise"]["id"] == shop_a.enterprise_id]
    # 37 + 1 + 3 accepted of 44 inspected; 2 lines completed on time; one rating
    assert record["first_pass_yield"] == "0.932" and record["completed_lines"] == 2
    assert record["ratings_count"] == 1 and record["rating"] == "4.67" and record["on_time_rate"] == "1.000"


def test_a_read_only_key_cannot_record(wo, shop_a, mould):
    work_order, lines = wo
    response = key_client(shop_a, mould, scope="read").post(
        url("delivery-list"), delivery_body(work_order, [(lines["EJ-01"], 1)]), format="json")
    assert response.status_code == 403
    with brain_context(mould.pk):
        assert not DeliveryLine.objects.exists()


def test_the_buyer_cannot_record_and_the_supplier_cannot_inspect_or_rate(wo, shop_a, alice):
    work_order, lines = wo
    buyer, supplier = api_as(alice), api_as(shop_a)
    refused = buyer.post(url("delivery-list"), delivery_body(work_order, [(lines["EJ-01"], 1)]), format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    row = supplier.post(url("delivery-list"), delivery_body(work_order, [(lines["EJ-01"], 1)]),
                        format="json").json()["lines"][0]
    assert supplier.post(url("delivery-line-inspect", pk=row["id"]), {"outcome": "accepted"},
                         format="json").status_code == 403
    rated = supplier.post(url("rating-list"), {"work_order": work_order.pk, "quality": 5, "on_time": 5,
                                               "communication": 5}, format="json")
    assert rated.status_code == 403


@pytest.mark.parametrize("change, field", [
    ({"note_number": ""}, "note_number"),
    ({"delivered_on": "2999-01-01"}, "delivered_on"),
    ({"lines": []}, "lines"),
    ({"lines": "quantity 0"}, "lines"),
    ({"lines": "too many"}, "lines"),
    ({"lines": "twice"}, "lines"),
    ({"work_order": 999999}, "work_order"),
])
def test_bad_deliveries_answer_400_with_the_field(wo, shop_a, change, field, mould):
    work_order, lines = wo
    pins = lines["EJ-01"]
    body = delivery_body(work_order, [(pins, 5)])
    special = {"quantity 0": [{"line": pins.pk, "quantity": 0}], "too many": [{"line": pins.pk, "quantity": 41}],
               "twice": [{"line": pins.pk, "quantity": 1}, {"line": pins.pk, "quantity": 1}]}
    body.update({k: special.get(v, v) if isinstance(v, str) else v for k, v in change.items()})
    response = api_as(shop_a).post(url("delivery-list"), body, format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()["fields"], response.json()
    with brain_context(mould.pk):
        assert not DeliveryLine.objects.exists()


@pytest.mark.parametrize("body, field", [
    ({"outcome": "pending"}, "outcome"),
    ({"outcome": "rework", "rejected_quantity": 2}, "reason"),
    ({"outcome": "rejected", "rejected_quantity": 9, "reason": "坏"}, "rejected_quantity"),
    ({"outcome": "accepted", "inspected_on": "2999-01-01"}, "inspected_on"),
])
def test_bad_inspections_answer_400_with_the_field(wo, shop_a, alice, body, field):
    work_order, lines = wo
    row = api_as(shop_a).post(url("delivery-list"), delivery_body(work_order, [(lines["EJ-01"], 5)]),
                              format="json").json()["lines"][0]
    response = api_as(alice).post(url("delivery-line-inspect", pk=row["id"]), body, format="json")
    assert response.status_code == 400 and field in response.json()["fields"], response.json()


def test_rating_a_work_order_in_production_is_refused(wo, alice):
    work_order, _ = wo
    response = api_as(alice).post(url("rating-list"), {"work_order": work_order.pk, "quality": 5, "on_time": 5,
                                                       "communication": 5}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid_state"
    scores = api_as(alice).post(url("rating-list"), {"work_order": work_order.pk, "quality": 6, "on_time": 0,
                                                     "communication": 5}, format="json")
    assert scores.status_code == 400 and {"quality", "on_time"} <= set(scores.json()["fields"])


def test_another_enterprise_of_the_brain_sees_nothing(wo, shop_a, shop_b, alice, mould):
    work_order, lines = wo
    delivery = api_as(shop_a).post(url("delivery-list"), delivery_body(work_order, [(lines["EJ-01"], 5)]),
                                   format="json").json()
    rival = make_user("huayu", enterprise=make_enterprise(31, "黄岩华宇塑料制品有限公司"))
    join(mould, rival.enterprise, roles=("buyer", "supplier"))
    for stranger in (api_as(shop_b), api_as(rival)):
        assert stranger.get(url("delivery-list")).json()["count"] == 0
        assert stranger.get(url("delivery-detail", pk=delivery["id"])).status_code == 404
        assert stranger.get(url("delivery-line-detail", pk=delivery["lines"][0]["id"])).status_code == 404
        assert stranger.post(url("delivery-line-inspect", pk=delivery["lines"][0]["id"]), {"outcome": "accepted"},
                             format="json").status_code == 404
    response = api_as(shop_b).post(url("delivery-list"), delivery_body(work_order, [(lines["EJ-01"], 1)], "X"),
                                   format="json")
    assert response.status_code == 400 and "work_order" in response.json()["fields"]
    assert api_as(alice).get(url("delivery-detail", pk=delivery["id"])).status_code == 200


def test_list_queries_do_not_grow_with_deliveries(wo, shop_a, alice):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    work_order, lines = wo
    supplier, buyer = api_as(shop_a), api_as(alice)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert buyer.get(url("delivery-list")).status_code == 200
        return len(queries.captured_queries)

    supplier.post(url("delivery-list"), delivery_body(work_order, [(lines["EJ-01"], 1)], "N-0"), format="json")
    count()
    one = count()
    for index in range(1, 8):
        quantities = [(lines["EJ-01"], 1), (lines["CAV-01"], 1)] if index == 1 else [(lines["EJ-01"], 1)]
        supplier.post(url("delivery-list"), delivery_body(work_order, quantities, f"N-{index}"), format="json")
    assert count() == one


def test_the_schema_describes_the_endpoints(alice):
    schema = api_as(alice).get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    inspect = paths["/api/v1/brains/{brain_slug}/delivery-lines/{id}/inspect/"]["post"]
    assert "InspectionRequest" in str(inspect["requestBody"]) and "DeliveryLine" in str(inspect["responses"]["200"])
    assert "/api/v1/brains/{brain_slug}/ratings/" in paths and "/api/v1/brains/{brain_slug}/deliveries/" in paths


def test_supplier_profile_shows_the_record(shop_a, mould, alice):
    from capacity.services import ratings

    ratings.supplier_record_refresh(brain_id=mould.pk, supplier_id=shop_a.enterprise_id)
    with brain_context(mould.pk):
        assert SupplierProfile.objects.filter(enterprise_id=shop_a.enterprise_id).exists()
    mine = api_as(shop_a).get(url("supplier-profile-mine")).json()
    assert {"first_pass_yield", "ratings_count", "completed_lines"} <= set(mine)
