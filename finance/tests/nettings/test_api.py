"""Nettings over the API: the operator previews and proposes; each party sees the totals, its own position and its
own netted payables only, and confirms or rejects; government viewers see totals; strangers nothing."""

from decimal import Decimal as D

import pytest

from conftest import api_as, make_user
from finance.models import Netting
from finance.tests.nettings.conftest import fresh, propose, window
from tenants.context import brain_context
from tenants.models import BrainStaff
from tests.support import ids, url


def body(**extra):
    return {key: str(value) for key, value in {**window(), **extra}.items()}


@pytest.fixture
def gov(mould):
    viewer = make_user("gov")
    with brain_context(mould.pk):
        BrainStaff.objects.create(brain=mould, user=viewer, role=BrainStaff.Role.GOVERNMENT_VIEWER)
    return viewer


def test_the_operator_previews_then_proposes_and_the_parties_settle_it(cycle, olga, alice, hongda, hengtong):
    operator = api_as(olga)
    preview = operator.post(url("netting-preview"), body(), format="json")
    assert preview.status_code == 200, preview.content
    assert preview.json()["netted_total"] == "180000.00" and preview.json()["share"] == "0.7500"
    assert preview.json()["leg_count"] == 3 and len(preview.json()["positions"]) == 3
    made = operator.post(url("netting-list"), body(respond_days=5, note="12月月结轧差"), format="json")
    assert made.status_code == 201, made.content
    netting = made.json()
    assert (netting["status"], netting["netted_total"], netting["window_total"]) == ("proposed", "180000.00",
                                                                                    "240000.00")
    assert (netting["party_count"], netting["confirmed_count"], netting["note"]) == (3, 0, "12月月结轧差")
    for user in (alice, hongda):
        answer = api_as(user).post(url("netting-confirm", netting["id"]), format="json")
        assert answer.status_code == 200 and answer.json()["status"] == "proposed"
    done = api_as(hengtong).post(url("netting-confirm", netting["id"]), format="json")
    assert done.status_code == 200 and done.json()["status"] == "settled" and done.json()["confirmed_count"] == 3
    legs = api_as(alice).get(url("netting-leg-list", netting=netting["id"])).json()["results"]
    mine = next(leg for leg in legs if leg["debtor"]["id"] == alice.enterprise_id)
    assert (mine["amount"], mine["netted"], mine["still_owed"]) == ("100000.00", "60000.00", "40000.00")
    rest = api_as(alice).get(url("payable-detail", mine["remainder"])).json()
    assert (rest["amount"], rest["status"]) == ("40000.00", "confirmed")
    assert api_as(alice).get(url("payable-detail", mine["payable"])).json()["status"] == "netted"


def test_a_party_sees_its_own_position_and_payables_and_the_totals_only(cycle, olga, alice, hongda, hengtong,
                                                                        shop_b):
    netting = propose(olga)
    party = api_as(alice)
    assert ids(party.get(url("netting-list"))) == [netting.pk]
    positions = party.get(url("netting-position-list")).json()["results"]
    assert [p["enterprise"]["id"] for p in positions] == [alice.enterprise_id]
    assert (positions[0]["owes"], positions[0]["owed"], positions[0]["netted"]) == ("100000.00", "60000.00",
                                                                                    "60000.00")
    assert (positions[0]["owes_after"], positions[0]["owed_after"], positions[0]["net"]) == ("40000.00", "0.00",
                                                                                             "-40000.00")
    legs = party.get(url("netting-leg-list")).json()["results"]
    assert sorted(leg["payable"] for leg in legs) == sorted([cycle[0].pk, cycle[2].pk])  # not 宏达's debt to 恒通
    named = {leg[side]["id"] for leg in legs for side in ("debtor", "creditor")}
    assert named == {alice.enterprise_id, hongda.enterprise_id, hengtong.enterprise_id}  # its counterparties
    theirs = party.get(url("netting-leg-detail", next(iter(
        set(legs_of_netting(netting)) - {leg["id"] for leg in legs}))))
    assert theirs.status_code == 404
    other_position = next(p for p in positions_of_netting(netting) if p != positions[0]["id"])
    assert party.get(url("netting-position-detail", other_position)).status_code == 404
    # a member that is no party sees nothing of it
    stranger = api_as(shop_b)
    assert ids(stranger.get(url("netting-list"))) == []
    assert stranger.get(url("netting-detail", netting.pk)).status_code == 404
    assert stranger.post(url("netting-confirm", netting.pk)).status_code == 404


def legs_of_netting(netting):
    with brain_context(netting.brain_id):
        return list(netting.legs.values_list("pk", flat=True))


def positions_of_netting(netting):
    with brain_context(netting.brain_id):
        return list(netting.parties.values_list("pk", flat=True))


def test_a_government_viewer_sees_totals_and_no_party(cycle, olga, gov, alice):
    netting = propose(olga, note="内部备注：华宇不参加")
    viewer = api_as(gov)
    listed = viewer.get(url("netting-list")).json()["results"]
    assert [row["netted_total"] for row in listed] == ["180000.00"] and listed[0]["note"] == ""
    assert ids(viewer.get(url("netting-position-list"))) == []
    assert ids(viewer.get(url("netting-leg-list"))) == []
    assert alice.enterprise.legal_name not in viewer.get(url("netting-detail", netting.pk)).content.decode()
    assert viewer.post(url("netting-list"), body(), format="json").status_code == 403


def test_only_operators_propose_and_a_window_without_a_cycle_is_a_clear_400(cycle, alice, olga, mould):
    assert api_as(alice).post(url("netting-list"), body(), format="json").status_code == 403
    assert api_as(alice).post(url("netting-preview"), body(), format="json").status_code == 403
    bad = api_as(olga).post(url("netting-list"), body(window_to="2020-01-01"), format="json")
    assert bad.status_code == 400 and "window_to" in bad.json()["fields"]
    days = api_as(olga).post(url("netting-list"), body(respond_days=30), format="json")
    assert days.status_code == 400 and "respond_days" in days.json()["fields"]
    api_as(olga).post(url("netting-list"), body(), format="json")
    empty = api_as(olga).post(url("netting-list"), body(), format="json")
    assert empty.status_code == 400 and empty.json()["code"] == "nothing_to_net"
    with brain_context(mould.pk):
        assert Netting.objects.count() == 1


def test_a_rejection_needs_a_reason_and_voids_it_and_the_operator_may_withdraw(cycle, olga, alice, hongda):
    netting = propose(olga)
    silent = api_as(hongda).post(url("netting-reject", netting.pk), {}, format="json")
    assert silent.status_code == 400 and "reason" in silent.json()["fields"]
    assert api_as(alice).post(url("netting-withdraw", netting.pk), {}, format="json").status_code == 403
    rejected = api_as(hongda).post(url("netting-reject", netting.pk), {"reason": "另有约定"}, format="json")
    assert rejected.status_code == 200
    assert (rejected.json()["status"], rejected.json()["voided_because"]) == ("voided", "rejected")
    assert rejected.json()["void_reason"] == "另有约定"
    again = propose(olga)
    withdrawn = api_as(olga).post(url("netting-withdraw", again.pk), {"reason": "换窗口"}, format="json")
    assert withdrawn.status_code == 200 and withdrawn.json()["voided_because"] == "withdrawn"
    assert fresh(again).netted_total == D("180000.00")
