"""The netting pages: the operator previews and proposes a window and follows the answers; each party sees its
position before and after and its own payables, and confirms or rejects on its phone; government viewers see what
netting saved; nobody else sees anything."""

from django.test import Client
from django.urls import reverse

from conftest import PASSWORD, make_user
from finance.models import Netting
from finance.tests.nettings.conftest import fresh, propose, window
from tenants.context import brain_context
from tenants.models import BrainStaff


def page(user, name, *args, brain="mould"):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")  # English pages: the messages asserted on stay as written here
    assert client.login(username=user.username, password=PASSWORD)
    return client, reverse(f"finance:{name}", args=[brain, *args])


def form(**extra):
    return {**{key: str(value) for key, value in window().items()}, "respond_days": "3", **extra}


def test_the_operator_previews_then_proposes_a_window(cycle, olga, mould):
    client, nettings = page(olga, "nettings")
    assert "propose-button" in client.get(nettings).content.decode()
    preview = client.post(nettings, form(action="preview")).content.decode()
    assert 'data-testid="plan-netted"' in preview and "180,000.00" in preview and "75.0 %" in preview
    with brain_context(mould.pk):
        assert not Netting.objects.exists()
    bad = client.post(nettings, form(action="propose", window_to="2020-01-01"))
    assert bad.status_code == 400 and "The window ends before it starts." in bad.content.decode()
    made = client.post(nettings, form(action="propose", note="12月月结轧差"))
    assert made.status_code == 302
    with brain_context(mould.pk):
        netting = Netting.objects.get()
    detail = client.get(made["Location"]).content.decode()
    assert netting.number in detail and 'data-testid="positions"' in detail and 'data-testid="legs"' in detail
    assert "台州市黄岩宏达精密机械加工厂" in detail and "withdraw-button" in detail
    again = client.post(nettings, form(action="propose"))
    assert again.status_code == 400 and "Nothing due in this window can be netted" in again.content.decode()


def test_a_party_sees_its_position_and_own_payables_and_confirms(cycle, olga, alice, hongda, hengtong):
    netting = propose(olga)
    client, detail = page(alice, "netting", netting.pk)
    body = client.get(detail).content.decode()
    assert 'data-testid="position"' in body and "confirm-button" in body and "reject-button" in body
    assert "40,000.00" in body  # what alice still owes 宏达 after netting
    assert cycle[0].number in body and cycle[2].number in body
    assert cycle[1].number not in body  # 宏达's debt to 恒通 is theirs
    assert 'data-testid="positions"' not in body and "withdraw-button" not in body
    home, nettings = page(alice, "nettings")
    listing = home.get(nettings).content.decode()
    assert 'data-testid="waiting"' in listing and "propose-button" not in listing
    assert client.post(detail, {"action": "confirm"}).status_code == 302
    for other in (hongda, hengtong):
        other_client, other_detail = page(other, "netting", netting.pk)
        assert other_client.post(other_detail, {"action": "confirm"}).status_code == 302
    assert fresh(netting).status == Netting.Status.SETTLED
    settled = client.get(detail).content.decode()
    assert "confirm-button" not in settled and "reject-button" not in settled


def test_a_rejection_without_a_reason_is_explained_and_with_one_voids(cycle, olga, hongda):
    netting = propose(olga)
    client, detail = page(hongda, "netting", netting.pk)
    silent = client.post(detail, {"action": "reject", "reason": ""})
    assert silent.status_code == 400 and "Say why you reject it" in silent.content.decode()
    assert fresh(netting).status == Netting.Status.PROPOSED
    assert client.post(detail, {"action": "reject", "reason": "账期另有约定"}).status_code == 302
    assert fresh(netting).voided_because == Netting.Voided.REJECTED
    assert "账期另有约定" in client.get(detail).content.decode()


def test_strangers_see_nothing_and_government_viewers_see_totals(cycle, olga, shop_b, charlie, mould):
    netting = propose(olga, note="内部备注")
    client, detail = page(shop_b, "netting", netting.pk)
    assert client.get(detail).status_code == 404
    assert client.post(detail, {"action": "confirm"}).status_code == 404
    client, nettings = page(shop_b, "nettings")
    assert netting.number not in client.get(nettings).content.decode()
    client, detail = page(charlie, "netting", netting.pk, brain="pump-valve")
    assert client.get(detail).status_code == 404
    viewer = make_user("gov")
    with brain_context(mould.pk):
        BrainStaff.objects.create(brain=mould, user=viewer, role=BrainStaff.Role.GOVERNMENT_VIEWER)
    client, detail = page(viewer, "netting", netting.pk)
    body = client.get(detail).content.decode()
    assert "180,000.00" in body and "台州市黄岩宏达精密机械加工厂" not in body and "内部备注" not in body
    assert cycle[0].number not in body
    refused = client.post(reverse("finance:nettings", args=["mould"]), form(action="propose"))
    assert refused.status_code == 403
    with brain_context(mould.pk):
        assert Netting.objects.count() == 1


def test_the_pages_fit_a_phone(cycle, olga, alice):
    netting = propose(olga)
    client, detail = page(alice, "netting", netting.pk)
    body = client.get(detail).content.decode()
    assert body.count("<table") == body.count('<div style="overflow-x:auto"><table')
    client, nettings = page(olga, "nettings")
    listing = client.get(nettings).content.decode()
    assert listing.count("<table") == listing.count('<div style="overflow-x:auto"><table')
