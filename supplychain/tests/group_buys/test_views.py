"""The pooled-buying pages: list, new campaign, one campaign for operator, member and supplier."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from supplychain.models import GroupBuy, Pledge, Shipment, SupplyOrderLine
from supplychain.tests.conftest import at_deadline, campaign, pledge, window_of
from tenants.context import brain_context


def page(pk=None):
    if pk is None:
        return reverse("supplychain:group-buys", args=["pump-valve"])
    return reverse("supplychain:group-buy", args=["pump-valve", pk])


def test_the_operator_creates_a_draft_from_the_form_and_opens_it(client, pump, pete, steel):
    client.force_login(pete)
    start = timezone.localdate() + timedelta(days=10)
    response = client.post(reverse("supplychain:group-buy-new", args=["pump-valve"]), {
        "kind": "group_purchase", "title": "HT250 灰铁铸件原料集采", "material_grade": "HT250", "unit": "t",
        "tiers": "10 3900\n50，3750", "vat_rate": "13", "prices_include_vat": "on", "minimum_total": "10",
        "member_minimum": "1", "increment": "0.5", "deadline": (timezone.now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "windows": f"{start} {start + timedelta(days=4)}", "deposit_percent": "10", "fee_mode": "percent",
        "fee_value": "1", "on_failure": "cancel", "extension_days": "7", "suppliers": [str(steel.enterprise_id)]})
    assert response.status_code == 302, response.content.decode()[:2000]
    with brain_context(pump.pk):
        made = GroupBuy.objects.get()
        assert [(t.min_total, t.unit_price) for t in made.tiers.all()] == [(10, 3900), (50, 3750)]
    client.post(response["Location"], {"action": "open"})
    with brain_context(pump.pk):
        assert GroupBuy.objects.get().status == "open"


def test_a_badly_written_tier_line_is_named(client, pump, pete, steel):
    client.force_login(pete)
    response = client.post(reverse("supplychain:group-buy-new", args=["pump-valve"]), {
        "kind": "group_purchase", "title": "x", "material_grade": "x", "unit": "t", "tiers": "10 3900\nfifty 3750",
        "vat_rate": "13", "minimum_total": "10", "member_minimum": "1", "increment": "1",
        "deadline": "2030-01-01T08:00", "windows": "2030-01-05 2030-01-09", "deposit_percent": "0", "fee_mode": "percent",
        "fee_value": "0", "on_failure": "cancel", "extension_days": "7", "suppliers": [str(steel.enterprise_id)]})
    assert response.status_code == 400 and "fifty 3750" in response.content.decode()
    with brain_context(pump.pk):
        assert not GroupBuy.objects.exists()


def test_a_member_pledges_sees_the_tier_and_not_others_pledges(client, steel_buy, dongfang, songmen):
    pledge(steel_buy, songmen, "33")
    client.force_login(dongfang)
    response = client.post(page(steel_buy.pk), {"action": "pledge", "quantity": "20", "address": "温岭市泵业园",
                                                "window": window_of(steel_buy)})
    assert response.status_code == 302
    shown = client.get(page(steel_buy.pk)).content.decode()
    assert "53" in shown and "¥15200.00" in shown  # the total and the tier reached
    assert "温岭市松门镇" not in shown and "songmen" not in shown
    with brain_context(steel_buy.brain_id):
        assert Pledge.objects.get(member_id=dongfang.enterprise_id).quantity == 20


def test_a_refused_pledge_is_said_and_nothing_changes(client, steel_buy, dongfang):
    client.force_login(dongfang)
    response = client.post(page(steel_buy.pk), {"action": "pledge", "quantity": "41", "address": "温岭",
                                                "window": window_of(steel_buy)}, follow=True)
    assert "40" in response.content.decode()
    with brain_context(steel_buy.brain_id):
        assert not Pledge.objects.exists()


def test_the_operator_sees_pledges_books_and_records_a_payment(client, steel_buy, dongfang, pete):
    pledge(steel_buy, dongfang, "12")
    client.force_login(pete)
    client.post(page(steel_buy.pk), {"action": "payment", "kind": "member_payment", "enterprise": dongfang.enterprise_id,
                                     "amount": "37920.00", "reference": "BK-1"})
    shown = client.get(page(steel_buy.pk)).content.decode()
    assert "BK-1" in shown and "37920.00" in shown and 'data-testid="pledges"' in shown


def test_supplier_ships_and_member_receives_from_the_page(client, steel_buy, dongfang, steel):
    pledge(steel_buy, dongfang, "12")
    at_deadline(steel_buy)
    with brain_context(steel_buy.brain_id):
        line = SupplyOrderLine.objects.get()
    client.force_login(steel)
    client.post(page(steel_buy.pk), {"action": "ship", "line": line.pk, "quantity": "12", "note_number": "QJ-1"})
    with brain_context(steel_buy.brain_id):
        shipment = Shipment.objects.get()
    client.force_login(dongfang)
    shown = client.get(page(steel_buy.pk)).content.decode()
    assert "QJ-1" in shown and 'data-testid="settlement"' in shown
    client.post(page(steel_buy.pk), {"action": "receive", "shipment": shipment.pk, "quantity": "12"})
    with brain_context(steel_buy.brain_id):
        assert GroupBuy.objects.get().status == "completed"


def test_members_of_another_brain_and_unknown_actions_get_404(client, steel_buy, alice, dongfang):
    client.force_login(alice)
    assert client.get(page(steel_buy.pk)).status_code == 404
    assert client.get(page()).status_code == 404
    client.force_login(dongfang)
    assert client.post(page(steel_buy.pk), {"action": "explode"}).status_code == 404


def test_a_members_draft_is_not_shown_to_other_members(client, pump, dongfang, songmen, steel):
    from supplychain.models import SupplyChainSettings
    from supplychain.services import group_buys
    from supplychain.tests.conftest import TIERS, terms, windows

    with brain_context(pump.pk):
        SupplyChainSettings.objects.create(brain=pump, members_may_open=True)
    draft = group_buys.group_buy_create(brain=pump, by=dongfang, tiers=TIERS, windows=windows(),
                                        suppliers=[{"supplier": steel.enterprise_id}], **terms())
    client.force_login(songmen)
    assert client.get(page(draft.pk)).status_code == 404
    client.force_login(dongfang)
    assert client.get(page(draft.pk)).status_code == 200


def test_the_brain_home_leads_to_pooled_buying_and_joint_reserves(client, pump, dongfang):
    client.force_login(dongfang)
    home = client.get(reverse("brain-home", args=["pump-valve"])).content.decode()
    assert reverse("supplychain:group-buys", args=["pump-valve"]) in home
    assert reverse("reserves:list", args=["pump-valve"]) in home


def test_the_operator_names_the_brains_trader_on_the_list_and_members_see_whom_they_owe(client, pump, pete, steel,
                                                                                        dongfang, songmen):
    client.force_login(pete)
    assert 'data-testid="settings"' in client.get(page()).content.decode()
    refused = client.post(page(), {"action": "settings", "trader": "999999999"})  # not one of the choices
    assert refused.status_code == 400
    response = client.post(page(), {"action": "settings", "trader": str(steel.enterprise_id)})
    assert response.status_code == 302
    assert "浙江钱江钢材贸易有限公司" in client.get(page()).content.decode()
    made = campaign(pump, pete, steel, payment_days=45)
    pledge(made, dongfang, "6")
    pledge(made, songmen, "5")
    at_deadline(made)
    client.force_login(dongfang)
    body = client.get(page(made.pk)).content.decode()
    assert 'data-testid="settings"' not in client.get(page()).content.decode()  # operators only
    terms = re.search(r'data-testid="payment-terms">([^<]*)<', body).group(1)
    assert "45" in terms and "60" not in terms
    assert 'data-testid="trader-note"' in body and "浙江钱江钢材贸易有限公司" in body
    assert client.post(page(), {"action": "settings", "trader": ""}).status_code == 404
