"""The supplier profiles API: a supplier keeps its profile, buyers look it up."""

from decimal import Decimal

from capacity.services import profiles
from capacity.tests.conftest import big_cnc
from conftest import api_as
from tests.support import ids, url

# --- Supplier profiles --------------------------------------------------------------------------------


def test_a_supplier_keeps_its_profile_and_buyers_look_it_up(mould, shop_a, shop_b, alice):
    profile = {**big_cnc(), "summary": "精密模具零件加工"}
    payload = {"summary": profile["summary"], "materials": ["718h", "NAK80"], "certifications": ["ISO 9001"],
               "capacities": [{"process": c["process"], "weekly_free_hours": str(c["weekly_free_hours"])}
                              for c in profile["capacities"]],
               "machines": [{**m, "max_weight_kg": str(m["max_weight_kg"]), "tolerance_mm": str(m["tolerance_mm"])}
                            for m in profile["machines"]]}
    saved = api_as(shop_a).put(url("supplier-profile-mine"), payload, format="json")
    assert saved.status_code == 200, saved.json()
    assert saved.json()["materials"] == ["718H", "NAK80"] and saved.json()["machines"][0]["brand"] == "MAZAK"
    profiles.profile_save(brain=mould, by=shop_b, capacities=[{"process": "HT", "weekly_free_hours": Decimal("8")}])

    buyer = api_as(alice)
    assert len(ids(buyer.get(url("supplier-profile-list")))) == 2
    assert ids(buyer.get(url("supplier-profile-list", process="cnc"))) == [saved.json()["id"]]
    assert ids(buyer.get(url("supplier-profile-list", material="718h"))) == [saved.json()["id"]]
    assert buyer.get(url("supplier-profile-mine")).status_code == 404
    refused = buyer.put(url("supplier-profile-mine"), {"summary": "我也想接单"}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    unknown = api_as(shop_b).put(url("supplier-profile-mine"),
                                 {"capacities": [{"process": "EDM", "weekly_free_hours": "10"}]}, format="json")
    assert unknown.status_code == 400 and "process" in unknown.json()["fields"]
