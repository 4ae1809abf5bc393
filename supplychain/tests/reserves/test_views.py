"""The joint-reserve pages: the list, setting one up, and a reserve's page for a member (draw, its own share and
draws), its supplier (its orders) and operators (shares, reference prices, receiving, cancelling, books,
closing). Refusals are said by the input at fault and change nothing."""

from decimal import Decimal as D

import pytest
from django.utils import timezone

from supplychain.models import Drawdown, ReferencePrice, Replenishment, Reserve, ReserveShare
from supplychain.tests.conftest import open_replenishment
from tenants.context import brain_context

BASE = "/b/pump-valve/reserves/"


@pytest.fixture(autouse=True)
def in_english(client):
    """Messages are asserted in English (the catalogues translate them; the default language is Chinese)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def page(client, user, url, status=200):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def detail(reserve):
    return f"{BASE}{reserve.pk}/"


def messages_of(response):
    return [str(m) for m in response.wsgi_request._messages]


FORM = {"title": "316L不锈钢棒联储", "material_grade": "022Cr17Ni12Mo2 (316L)", "specification": "Φ60 圆棒",
        "unit": "t", "base_price": "23800.00", "base_reference_price": "22000.00", "pass_through_percent": "90",
        "surcharge_percent": "6", "vat_rate": "13", "prices_include_vat": "on", "replenish_threshold": "10",
        "replenish_to": "30"}


def test_everyone_in_the_brain_sees_the_reserves_and_only_operators_may_set_one_up(client, steel_reserve, pete,
                                                                                   dongfang, steel):
    html = page(client, dongfang, BASE)
    assert steel_reserve.number in html and "304不锈钢卷联储" in html and "¥15800.00" in html
    assert 'data-testid="my-left">20 t' in html and 'data-testid="new-reserve"' not in html
    assert steel_reserve.number in page(client, steel, BASE)
    assert 'data-testid="new-reserve"' in page(client, pete, BASE)
    page(client, dongfang, f"{BASE}new/", status=404)


def test_the_operator_sets_up_a_reserve_from_the_form(client, pump, pete, steel):
    assert 'data-testid="reserve-form"' in page(client, pete, f"{BASE}new/")
    response = client.post(f"{BASE}new/", {**FORM, "supplier": steel.enterprise_id})
    with brain_context(pump.pk):
        reserve = Reserve.objects.get()
        assert Replenishment.objects.get(reserve=reserve).quantity == D("30")
    assert response.status_code == 302 and response["Location"] == detail(reserve)
    assert (reserve.title, reserve.base_price, reserve.pass_through_percent, reserve.prices_include_vat) == (
        "316L不锈钢棒联储", D("23800.00"), D("90.00"), True)


@pytest.mark.parametrize("change, field", [
    ({"replenish_to": "10"}, "replenish_to"),  # the service's rule, shown by its input
    ({"base_price": "-1"}, "base_price"),
    ({"pass_through_percent": "120"}, "pass_through_percent"),
])
def test_bad_terms_are_shown_by_their_input_and_nothing_is_made(client, pump, pete, steel, change, field):
    client.force_login(pete)
    response = client.post(f"{BASE}new/", {**FORM, "supplier": steel.enterprise_id, **change})
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    with brain_context(pump.pk):
        assert not Reserve.objects.exists()


def test_a_member_draws_from_its_share_on_the_page(client, steel_reserve, dongfang):
    html = page(client, dongfang, detail(steel_reserve))
    assert 'data-testid="draw-form"' in html and 'data-testid="share-left">20 t' in html
    assert 'data-testid="shares"' not in html and 'data-testid="books"' not in html
    assert 'data-testid="replenishments"' not in html  # the brain's purchase prices are not the members'
    response = client.post(detail(steel_reserve), {"action": "draw", "quantity": "12", "note": "3# 车间阀体"})
    assert response.status_code == 302 and response["Location"] == detail(steel_reserve)
    assert messages_of(response) == ["Drawn 12 t, charged 189600.00 yuan."]
    with brain_context(steel_reserve.brain_id):
        drawn = Drawdown.objects.get()
    assert (drawn.quantity, drawn.note) == (D("12"), "3# 车间阀体")
    html = page(client, dongfang, detail(steel_reserve))
    assert 'data-testid="share-left">8 t' in html and "¥189600.00" in html


@pytest.mark.parametrize("quantity, says", [
    ("36", "free of other members"),  # 20 of its share and 16 beyond, but only 15 t are free
    ("0", "more than zero"),
    ("61", "in stock"),
])
def test_a_refused_draw_is_said_by_the_quantity_and_draws_nothing(client, steel_reserve, dongfang, quantity, says):
    client.force_login(dongfang)
    response = client.post(detail(steel_reserve), {"action": "draw", "quantity": quantity})
    assert response.status_code == 400
    assert any(says in message for message in response.context["draw_form"].errors["quantity"])
    with brain_context(steel_reserve.brain_id):
        assert not Drawdown.objects.exists() and Reserve.objects.get(pk=steel_reserve.pk).stock == 60


def test_members_without_a_share_see_no_draw_form_and_cannot_draw(client, steel_reserve, pump):
    from conftest import join, make_enterprise, make_user

    outsider = make_user("xinjie", enterprise=make_enterprise(46, "温岭市新界泵业股份有限公司", region="331081"))
    join(pump, outsider.enterprise, roles=("buyer",))
    assert 'data-testid="draw-form"' not in page(client, outsider, detail(steel_reserve))
    response = client.post(detail(steel_reserve), {"action": "draw", "quantity": "1"})
    assert response.status_code == 302 and messages_of(response) == ["Your enterprise has no share in this reserve."]
    with brain_context(pump.pk):
        assert not Drawdown.objects.exists()


def test_the_operator_commits_a_share_and_records_a_reference_price(client, steel_reserve, pete, lio):
    html = page(client, pete, detail(steel_reserve))
    assert 'data-testid="shares"' in html and "浙江温岭利欧阀门制造有限公司" in html and 'data-testid="books"' in html
    response = client.post(detail(steel_reserve), {"action": "commit", "member": lio.enterprise_id, "committed": "14"})
    assert response.status_code == 302
    with brain_context(steel_reserve.brain_id):
        assert ReserveShare.objects.get(reserve=steel_reserve, member_id=lio.enterprise_id).committed == D("14")
    response = client.post(detail(steel_reserve), {"action": "price", "value": "15225.00", "source": "上海有色网",
                                                   "quoted_on": timezone.localdate().isoformat()})
    assert response.status_code == 302 and "16432.00" in messages_of(response)[-1]
    html = page(client, pete, detail(steel_reserve))
    assert 'data-testid="unit-price">¥16432.00' in html and 'data-testid="beyond-price">¥17253.60' in html
    future = client.post(detail(steel_reserve), {"action": "price", "value": "15300.00", "source": "上海有色网",
                                                 "quoted_on": "2999-01-01"})
    assert future.status_code == 400 and future.context["price_form"].errors["quoted_on"]
    with brain_context(steel_reserve.brain_id):
        assert ReferencePrice.objects.count() == 1


def test_the_operator_receives_the_replenishment_and_the_supplier_sees_only_its_order(client, steel_reserve, pete,
                                                                                    dongfang, songmen, steel):
    from supplychain.services import reserves

    reserves.reserve_draw(reserve=steel_reserve, by=dongfang, quantity=D("20"))
    reserves.reserve_draw(reserve=steel_reserve, by=songmen, quantity=D("21"))
    opened = open_replenishment(steel_reserve)
    html = page(client, steel, detail(steel_reserve))
    assert f'data-testid="replenishment-{opened.number}"' in html and 'data-testid="receive-form"' not in html
    refused = client.post(detail(steel_reserve), {"action": "receive", "replenishment": opened.pk, "quantity": "41",
                                                  "unit_cost": "1.00", "note_number": "X"})
    assert refused.status_code == 302 and "operator" in messages_of(refused)[-1]
    html = page(client, pete, detail(steel_reserve))
    assert 'data-testid="receive-form"' in html
    over = client.post(detail(steel_reserve), {"action": "receive", "replenishment": opened.pk, "quantity": "50",
                                               "unit_cost": "16950.00", "note_number": "QJ-2026-0002"})
    assert over.status_code == 400 and over.context["receive_form"].errors["quantity"]
    done = client.post(detail(steel_reserve), {"action": "receive", "replenishment": opened.pk, "quantity": "41",
                                               "unit_cost": "16950.00", "note_number": "QJ-2026-0002"})
    assert done.status_code == 302
    with brain_context(steel_reserve.brain_id):
        assert Reserve.objects.get(pk=steel_reserve.pk).stock == D("60")
        assert Replenishment.objects.get(pk=opened.pk).status == "received"


def test_the_operator_cancels_the_order_then_closes_the_reserve(client, steel_reserve, pete, dongfang, songmen):
    from supplychain.services import reserves

    reserves.reserve_draw(reserve=steel_reserve, by=dongfang, quantity=D("20"))
    reserves.reserve_draw(reserve=steel_reserve, by=songmen, quantity=D("21"))
    opened = open_replenishment(steel_reserve)
    client.force_login(pete)
    refused = client.post(detail(steel_reserve), {"action": "close"})
    assert refused.status_code == 302 and "still open" in messages_of(refused)[-1]
    blank = client.post(detail(steel_reserve), {"action": "cancel-replenishment", "replenishment": opened.pk,
                                                "reason": ""})
    assert blank.status_code == 400 and blank.context["cancel_form"].errors["reason"]
    cancelled = client.post(detail(steel_reserve), {"action": "cancel-replenishment", "replenishment": opened.pk,
                                                    "reason": "钢厂检修，无法按期交货"})
    assert cancelled.status_code == 302
    assert client.post(detail(steel_reserve), {"action": "close"}).status_code == 302
    with brain_context(steel_reserve.brain_id):
        assert Reserve.objects.get(pk=steel_reserve.pk).status == "closed"
    html = page(client, dongfang, detail(steel_reserve))
    assert 'data-testid="draw-form"' not in html and 'data-testid="reserve-status"' in html


def test_unknown_actions_and_a_tampered_order_id_are_404(client, steel_reserve, pete):
    client.force_login(pete)
    assert client.post(detail(steel_reserve), {"action": "drop-table"}).status_code == 404
    assert client.post(detail(steel_reserve), {"action": "cancel-replenishment", "replenishment": "abc",
                                               "reason": "x"}).status_code == 404
    assert client.post(detail(steel_reserve), {"action": "cancel-replenishment", "replenishment": 10**9,
                                               "reason": "x"}).status_code == 404
