"""The deliveries page: the supplier records, the buyer inspects and rates; both see the accepted value; others 404."""

from decimal import Decimal

import pytest
from django.utils import timezone

from capacity.models import Delivery, DeliveryLine, SupplierRating, WorkOrder
from conftest import join, make_enterprise, make_user
from tenants.context import brain_context


def page(work_order):
    return f"/b/mould/capacity/work-orders/{work_order.pk}/deliveries/"


def lines_by_part(work_order):
    with brain_context(work_order.brain_id):
        return {line.part.part_no: line for line in work_order.lines.select_related("part")}


def pending_rows(work_order):
    with brain_context(work_order.brain_id):
        return {row.line.part.part_no: row for row in DeliveryLine.objects.filter(
            delivery__work_order=work_order, outcome="pending").select_related("line__part")}


def deliver(client, work_order, quantities, number="SH-001", **extra):
    data = {"action": "deliver", "note_number": number, "delivered_on": timezone.localdate().isoformat(), "note": "",
            **{f"qty-{line.pk}": q for line, q in quantities}, **extra}
    return client.post(page(work_order), data)


@pytest.fixture
def wo(accepted):
    work_order, _ = accepted
    return work_order, lines_by_part(work_order)


def test_the_supplier_records_a_delivery_from_the_page(client, wo, shop_a, mould):
    work_order, lines = wo
    client.force_login(shop_a)
    response = client.get(page(work_order))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="delivery-form"' in html and 'data-testid="to-inspect"' not in html
    assert f'name="qty-{lines["EJ-01"].pk}"' in html
    response = deliver(client, work_order, [(lines["EJ-01"], 30)])
    assert response.status_code == 302
    with brain_context(mould.pk):
        delivery = Delivery.objects.get()
        assert delivery.note_number == "SH-001" and delivery.lines.get().quantity == 30
    html = client.get(page(work_order)).content.decode()
    assert "SH-001" in html and "<td><strong>10</strong></td>" in html  # 10 pins still owed (in any language)


def test_a_bad_delivery_is_shown_on_the_form_and_changes_nothing(client, wo, shop_a, mould):
    work_order, lines = wo
    client.force_login(shop_a)
    response = deliver(client, work_order, [(lines["EJ-01"], 5)],
                       delivered_on=(timezone.localdate() + timezone.timedelta(days=3)).isoformat())
    assert response.status_code == 400
    assert "不能" in response.content.decode() or "cannot" in response.content.decode()
    response = deliver(client, work_order, [])  # no quantity at all
    assert response.status_code == 400
    with brain_context(mould.pk):
        assert not Delivery.objects.exists()


def test_the_buyer_inspects_each_pending_line_and_sees_the_accepted_value(client, wo, shop_a, alice, mould):
    work_order, lines = wo
    client.force_login(shop_a)
    deliver(client, work_order, [(lines["EJ-01"], 40), (lines["CAV-01"], 1)])
    client.force_login(alice)
    html = client.get(page(work_order)).content.decode()
    assert 'data-testid="delivery-form"' not in html and 'data-testid="to-inspect"' in html
    rows = pending_rows(work_order)
    refused = client.post(page(work_order), {"action": "inspect", "delivery_line": rows["EJ-01"].pk,
                                             "outcome": "rejected", "rejected_quantity": "4", "reason": ""})
    assert refused.status_code == 400  # the reason is required
    assert client.post(page(work_order), {"action": "inspect", "delivery_line": rows["EJ-01"].pk, "outcome": "rejected",
                                          "rejected_quantity": "4", "reason": "裂纹"}).status_code == 302
    assert client.post(page(work_order), {"action": "inspect", "delivery_line": rows["CAV-01"].pk,
                                          "outcome": "accepted"}).status_code == 302
    with brain_context(mould.pk):
        work_order = WorkOrder.objects.get(pk=work_order.pk)
    assert work_order.accepted_amount == Decimal("19080.00")  # 18000 + 36 × 30
    html = client.get(page(work_order)).content.decode()
    assert "19080.00" in html and str(work_order.accepted_tax) in html and "裂纹" in html
    assert 'data-testid="rating-form"' not in html  # not completed yet: 4 pins owed


def test_the_buyer_rates_once_the_work_order_is_completed(client, wo, shop_a, alice, mould):
    work_order, lines = wo
    client.force_login(shop_a)
    deliver(client, work_order, [(lines["EJ-01"], 40), (lines["CAV-01"], 1)])
    client.force_login(alice)
    for row in pending_rows(work_order).values():
        client.post(page(work_order), {"action": "inspect", "delivery_line": row.pk, "outcome": "accepted"})
    html = client.get(page(work_order)).content.decode()
    assert 'data-testid="rating-form"' in html
    assert client.post(page(work_order), {"action": "rate", "quality": "6", "on_time": "5",
                                          "communication": "5"}).status_code == 400
    response = client.post(page(work_order), {"action": "rate", "quality": "5", "on_time": "4", "communication": "5",
                                              "comment": "配合好"})
    assert response.status_code == 302
    with brain_context(mould.pk):
        rating = SupplierRating.objects.get(work_order=work_order)
    assert (rating.quality, rating.on_time, rating.communication, rating.comment) == (5, 4, 5, "配合好")
    html = client.get(page(work_order)).content.decode()
    assert 'data-testid="rating-form"' not in html and 'data-testid="rating"' in html


def test_the_supplier_cannot_inspect_and_the_buyer_cannot_deliver(client, wo, shop_a, alice, mould):
    work_order, lines = wo
    client.force_login(alice)
    response = deliver(client, work_order, [(lines["EJ-01"], 5)])
    assert response.status_code == 302  # refused with a message, nothing written
    with brain_context(mould.pk):
        assert not Delivery.objects.exists()
    client.force_login(shop_a)
    deliver(client, work_order, [(lines["EJ-01"], 5)])
    row = pending_rows(work_order)["EJ-01"]
    client.post(page(work_order), {"action": "inspect", "delivery_line": row.pk, "outcome": "accepted"})
    assert pending_rows(work_order)["EJ-01"].outcome == "pending"


def test_others_get_404(client, wo, shop_b, charlie, mould):
    work_order, lines = wo
    rival = make_user("huayu", enterprise=make_enterprise(31, "黄岩华宇塑料制品有限公司"))
    join(mould, rival.enterprise, roles=("buyer", "supplier"))
    for stranger in (shop_b, charlie, rival):
        client.force_login(stranger)
        assert client.get(page(work_order)).status_code == 404
        assert deliver(client, work_order, [(lines["EJ-01"], 5)]).status_code == 404
    with brain_context(mould.pk):
        assert not Delivery.objects.exists()


def test_the_supplier_directory_shows_the_record(client, wo, shop_a, alice, mould):
    from capacity.services import profiles, ratings
    from capacity.tests.conftest import big_cnc

    profiles.profile_save(brain=mould, by=shop_a, **big_cnc())
    work_order, lines = wo
    client.force_login(shop_a)
    deliver(client, work_order, [(lines["EJ-01"], 40)])
    client.force_login(alice)
    row = pending_rows(work_order)["EJ-01"]
    client.post(page(work_order), {"action": "inspect", "delivery_line": row.pk, "outcome": "rework",
                                   "rejected_quantity": "4", "reason": "毛刺"})
    ratings.supplier_record_refresh(brain_id=mould.pk, supplier_id=shop_a.enterprise_id)
    html = client.get("/b/mould/capacity/suppliers/").content.decode()
    assert "90%" in html  # first-pass yield: 36 of 40


def test_the_work_order_page_and_the_deliveries_page_link_to_each_other(client, wo, shop_a):
    work_order = wo[0]
    client.force_login(shop_a)
    url = f"/b/mould/capacity/work-orders/{work_order.pk}/"
    assert page(work_order) in client.get(url).content.decode()
    assert f'href="{url}"' in client.get(page(work_order)).content.decode()
