"""An ERP upserts a project's BOM as JSON rows: the file import's rules, every bad row named, all or none."""

import pytest
from rest_framework.test import APIClient

from capacity.models import Part
from conftest import api_as
from tenants.services.api_keys import api_key_create
from tests.support import url


ROWS = [
    {"part_no": "ASM-01", "name": "动模组件", "quantity": 1},
    {"part_no": "CAV-01", "name": "型腔镶件", "quantity": 1, "parent_no": "ASM-01", "material": "718H",
     "length_mm": 600, "width_mm": "400", "height_mm": 180.5, "processes": ["CNC", "HT"], "standard_part": False,
     "due_date": "2026-12-28"},
    {"part_no": "EJ-01", "name": "顶针", "quantity": 40, "parent_no": "ASM-01", "processes": ["热处理"]},
]


def test_an_erp_upserts_parts_by_number_with_a_key_and_a_rerun_changes_nothing(mould, alice, project, in_brain):
    key = api_key_create(by=alice, name="金蝶 ERP", scope="write", brains=[mould]).secret
    erp = APIClient(HTTP_AUTHORIZATION=f"Api-Key {key}")
    first = erp.post(url("project-bom-rows", project.pk), {"rows": ROWS}, format="json")
    assert first.status_code == 200, first.json()
    assert first.json() == {"created": 3, "updated": 0}
    again = erp.post(url("project-bom-rows", project.pk), {"rows": ROWS}, format="json")
    assert again.json() == {"created": 0, "updated": 0}
    changed = erp.post(url("project-bom-rows", project.pk), {"rows": [{"part_no": "EJ-01", "name": "顶针", "quantity": 48}]}, format="json")
    assert changed.json() == {"created": 0, "updated": 1}
    with in_brain(mould):
        pin = Part.objects.get(project=project, part_no="EJ-01")
        cavity = Part.objects.get(project=project, part_no="CAV-01")
        assert pin.quantity == 48 and pin.parent.part_no == "ASM-01", "a field left out keeps the stored value"
        assert [o.process.code for o in cavity.operations.order_by("sequence")] == ["CNC", "HT"]
        assert str(cavity.height_mm) == "180.50" and cavity.material == "718H"


def test_every_bad_row_is_named_by_index_and_field_and_nothing_lands(mould, alice, project, in_brain):
    rows = [dict(ROWS[0]), {"part_no": "X-1", "name": "", "quantity": 0}, {"part_no": "X-2", "name": "销",
            "quantity": 2, "parent_no": "NOPE", "processes": ["激光"]}]
    response = api_as(alice).post(url("project-bom-rows", project.pk), {"rows": rows}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_rows" and "rows" in body["fields"]
    named = {(r["row"], r["column"]) for r in body["rows"]}
    assert {(1, "name"), (1, "quantity"), (2, "parent_no"), (2, "processes")} <= named
    with in_brain(mould):
        assert not Part.objects.filter(project=project).exists()


@pytest.mark.parametrize("body, field", [({"rows": []}, "rows"), ({"rows": "CAV-01"}, "rows"), ({}, "rows"),
                                         ({"rows": [{"part_no": "A", "name": "a", "quantity": 1, "colour": "红"}]}, "rows")])
def test_a_malformed_body_is_refused_whole(mould, alice, project, body, field):
    response = api_as(alice).post(url("project-bom-rows", project.pk), body, format="json")
    assert response.status_code == 400 and field in response.json()["fields"]


def test_another_enterprises_project_does_not_exist(mould, project, shop_a, in_brain):
    response = api_as(shop_a).post(url("project-bom-rows", project.pk), {"rows": ROWS}, format="json")
    assert response.status_code == 404
    with in_brain(mould):
        assert not Part.objects.filter(project=project).exists()


def test_a_row_that_is_not_an_object_is_one_flat_message(mould, alice, project):
    response = api_as(alice).post(url("project-bom-rows", project.pk), {"rows": [ROWS[0], "CAV-01"]}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"rows": [response.json()["fields"]["rows"][0]]}
    assert "1" in response.json()["fields"]["rows"][0]
