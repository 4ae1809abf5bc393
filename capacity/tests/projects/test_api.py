"""The projects API: parts, the BOM (rows, files, export) and drawings; who sees a project."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from capacity.services import rfqs
from conftest import api_as
from tests.support import ids, url

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_bob_on_alices_team_sees_her_projects(project, parts, bob):
    assert ids(api_as(bob).get(url("project-list"))) == [project.pk]


# --- Errors -----------------------------------------------------------------------------------------------

BAD_BOM = """part_no,name,parent_no,quantity,processes,due_date
A,好的,,1,CNC,
A,重复,,1,,
B,,,1,,
C,零,,0,,
D,坏工序,,1,CNC;镗铣,
E,坏日期,,1,,2026-13-40
"""


def test_bad_bom_rows_are_reported_row_by_row_and_nothing_lands(project, alice):
    upload = SimpleUploadedFile("bom.csv", BAD_BOM.encode())
    response = api_as(alice).post(url("project-import-bom", pk=project.pk), {"file": upload})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_rows" and set(body) == {"code", "detail", "fields", "rows"}
    assert {(row["row"], row["column"]) for row in body["rows"]} == {
        (3, "零件编号"), (4, "零件名称"), (5, "数量"), (6, "工序"), (7, "交期")}
    assert any("镗铣" in row["reason"] for row in body["rows"])
    assert len(body["fields"]["file"]) == len(body["rows"])
    assert ids(api_as(alice).get(url("part-list"))) == []


@pytest.mark.parametrize("filename, content", [("bom.txt", b"part_no,name,quantity\nA,a,1\n"),
                                               ("bom.xlsx", b"PK\x03\x04 not a workbook"),
                                               ("bom.csv", b"part_no,name\nA,a\n")])
def test_an_unreadable_bom_file_is_one_clear_error(project, alice, filename, content):
    response = api_as(alice).post(url("project-import-bom", pk=project.pk),
                                  {"file": SimpleUploadedFile(filename, content)})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_file" and "file" in response.json()["fields"]


def test_a_missing_file_is_a_field_error(project, alice):
    response = api_as(alice).post(url("project-import-bom", pk=project.pk), {})
    assert response.status_code == 400 and "file" in response.json()["fields"]


# --- Parts ------------------------------------------------------------------------------------------


def test_parts_are_created_upserted_patched_and_deleted(project, alice):
    client = api_as(alice)
    payload = {"project": project.pk, "part_no": "SL-01", "name": "滑块", "quantity": 2, "material": "P20",
               "processes": ["CNC", "热处理"]}
    created = client.post(url("part-list"), payload, format="json")
    assert created.status_code == 201, created.json()
    part = created.json()
    assert [o["process"] for o in part["routing"]] == ["CNC", "HT"]
    again = client.post(url("part-list"), {**payload, "quantity": 4}, format="json")
    assert again.status_code == 200 and again.json()["id"] == part["id"] and again.json()["quantity"] == 4

    renamed = client.patch(url("part-detail", pk=part["id"]), {"name": "斜滑块"}, format="json").json()
    assert renamed["name"] == "斜滑块" and renamed["quantity"] == 4
    assert [o["id"] for o in renamed["routing"]] == [o["id"] for o in part["routing"]]  # routing kept
    rerouted = client.patch(url("part-detail", pk=part["id"]), {"processes": ["HT"]}, format="json").json()
    assert [o["process"] for o in rerouted["routing"]] == ["HT"]
    moved = client.patch(url("part-detail", pk=part["id"]), {"part_no": "SL-02"}, format="json")
    assert moved.status_code == 400 and "part_no" in moved.json()["fields"]
    unknown = client.patch(url("part-detail", pk=part["id"]), {"processes": ["镗铣"]}, format="json")
    assert unknown.status_code == 400 and "processes" in unknown.json()["fields"]

    assert client.delete(url("part-detail", pk=part["id"])).status_code == 204
    assert client.get(url("part-detail", pk=part["id"])).status_code == 404


def test_a_tendered_part_keeps_its_operations(open_rfq, parts, alice):
    client = api_as(alice)
    deleted = client.delete(url("part-detail", pk=parts["pin"].pk))
    assert deleted.status_code == 400 and deleted.json()["code"] == "in_use"
    # the pin's heat treatment is tendered on its own: its routing cannot be replaced under the RFQ line
    rerouted = client.patch(url("part-detail", pk=parts["pin"].pk), {"processes": ["CNC"]}, format="json")
    assert rerouted.status_code == 400 and rerouted.json()["code"] == "in_use"
    assert [o["process"] for o in client.get(url("part-detail", pk=parts["pin"].pk)).json()["routing"]] == ["HT"]
    reimport = SimpleUploadedFile("bom.csv", "零件编号,零件名称,数量,工序\nEJ-01,顶针,40,CNC\n".encode())
    refused = client.post(url("project-import-bom", pk=parts["pin"].project_id), {"file": reimport})
    assert refused.status_code == 400 and refused.json()["code"] == "in_use"
    assert [o["process"] for o in client.get(url("part-detail", pk=parts["pin"].pk)).json()["routing"]] == ["HT"]


def test_part_filters(project, parts, alice):
    client = api_as(alice)
    assert ids(client.get(url("part-list", material="skd61"))) == [parts["pin"].pk]
    assert ids(client.get(url("part-list", part_no="CAV-01"))) == [parts["cavity"].pk]
    assert ids(client.get(url("part-list", project=project.pk, standard_part="false"))) == [parts["cavity"].pk,
                                                                                          parts["pin"].pk]
    assert ids(client.get(url("part-list", standard_part="true"))) == []
    assert ids(client.get(url("part-list", project=999999))) == []


# --- BOM export ---------------------------------------------------------------------------------------


def test_the_bom_and_the_template_download_as_workbooks(project, parts, alice):
    client = api_as(alice)
    export = client.get(url("project-bom", pk=project.pk))
    assert export.status_code == 200 and export["Content-Type"] == XLSX
    assert "attachment" in export["Content-Disposition"] and "M-2026-018" in export["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "零件编号" and {row[0] for row in rows[1:]} == {"CAV-01", "EJ-01"}
    reimported = client.post(url("project-import-bom", pk=project.pk),
                             {"file": SimpleUploadedFile("export.xlsx", export.content)})
    assert reimported.json() == {"created": 0, "updated": 0}

    template = client.get(url("project-bom-template"), HTTP_ACCEPT=XLSX)
    assert template.status_code == 200 and template["Content-Type"] == XLSX
    assert len(list(load_workbook(io.BytesIO(template.content)).active.iter_rows())) == 1


# --- Drawings -----------------------------------------------------------------------------------------

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"


def test_drawings_are_sniffed_stored_and_served_to_who_may_quote(project, parts, alice, shop_a, shop_b, zhang):
    client = api_as(alice)
    part = parts["cavity"]
    fake = client.post(url("part-drawings", pk=part.pk), {"file": SimpleUploadedFile("型腔.pdf", b"just text, no PDF")})
    assert fake.status_code == 400 and "file" in fake.json()["fields"]
    uploaded = client.post(url("part-drawings", pk=part.pk),
                           {"file": SimpleUploadedFile("型腔.pdf", PDF, content_type="text/plain")})
    assert uploaded.status_code == 201, uploaded.json()
    drawing = uploaded.json()
    assert (drawing["version"], drawing["content_type"], drawing["size"]) == (1, "application/pdf", len(PDF))

    download = client.get(url("drawing-download", pk=drawing["id"]), HTTP_ACCEPT="application/pdf")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf" and "attachment" in download["Content-Disposition"]

    for outsider in (shop_a, shop_b, zhang):  # no RFQ yet: the buyer's alone
        assert api_as(outsider).get(url("drawing-download", pk=drawing["id"])).status_code == 404
    rfq = rfqs.rfq_create(project=project, by=alice, title="型腔", deadline=timezone.now() + timedelta(days=1),
                          lines=[{"part": part.pk}], invited=[shop_a.enterprise_id], open_to_all=False)
    assert api_as(shop_a).get(url("drawing-download", pk=drawing["id"])).status_code == 404  # a draft still
    rfqs.rfq_publish(rfq=rfq, by=alice)
    assert ids(api_as(shop_a).get(url("drawing-list", part=part.pk))) == [drawing["id"]]
    assert b"".join(api_as(shop_a).get(url("drawing-download", pk=drawing["id"])).streaming_content) == PDF
    for outsider in (shop_b, zhang):
        assert ids(api_as(outsider).get(url("drawing-list"))) == []
        assert api_as(outsider).get(url("drawing-detail", pk=drawing["id"])).status_code == 404
    # suppliers read drawings, they do not add them
    assert api_as(shop_a).post(url("part-drawings", pk=part.pk),
                               {"file": SimpleUploadedFile("x.pdf", PDF)}).status_code == 404
