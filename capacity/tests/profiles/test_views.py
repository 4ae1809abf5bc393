"""The supplier's profile page and the buyers' capacity map."""

from decimal import Decimal

from capacity.models import SupplierProfile


def page(client, user, url, status=200):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response


class TestSupplierPages:
    def test_a_supplier_keeps_its_profile(self, client, shop_a, mould, in_brain):
        client.force_login(shop_a)
        page(client, shop_a, "/b/mould/capacity/profile/")
        response = client.post("/b/mould/capacity/profile/", {
            "summary": "精密CNC、慢走丝", "materials": "718H，NAK80", "certifications": "ISO 9001",
            "cap-TOTAL_FORMS": "1", "cap-INITIAL_FORMS": "0", "cap-0-process": "CNC", "cap-0-weekly_free_hours": "60",
            "mac-TOTAL_FORMS": "1", "mac-INITIAL_FORMS": "0", "mac-0-process": "CNC", "mac-0-machine_type": "立式加工中心",
            "mac-0-brand": "MAZAK", "mac-0-model": "VCN-530C", "mac-0-count": "3", "mac-0-envelope_x_mm": "1050",
            "mac-0-envelope_y_mm": "530", "mac-0-envelope_z_mm": "510", "mac-0-max_weight_kg": "800",
            "mac-0-tolerance_mm": "0.005",
        })
        assert response.status_code == 302
        with in_brain(mould):
            profile = SupplierProfile.objects.get(enterprise_id=shop_a.enterprise_id)
            assert profile.materials == ["718H", "NAK80"] and profile.machines.get().count == 3
            assert profile.capacities.get().weekly_free_hours == Decimal("60.0")

    def test_a_buyer_has_no_profile_page(self, client, alice):
        page(client, alice, "/b/mould/capacity/profile/", status=404)


def test_buyers_see_the_capacity_map_filtered_by_process_and_material(client, alice, profiled, charlie):
    shop_a, shop_b = profiled
    everyone = page(client, alice, "/b/mould/capacity/suppliers/").context["profiles"]
    assert {p.enterprise_id for p in everyone} == {shop_a.enterprise_id, shop_b.enterprise_id}
    assert len(page(client, alice, "/b/mould/capacity/suppliers/?process=CNC&material=nak80").context["profiles"]) == 2
    assert len(page(client, alice, "/b/mould/capacity/suppliers/?material=S136").context["profiles"]) == 0
    assert "立式加工中心" in page(client, alice, "/b/mould/capacity/suppliers/").content.decode()
    page(client, charlie, "/b/mould/capacity/suppliers/", status=404)
