"""The project pages: the tree, BOM uploads, drawings offered to quoting suppliers."""


from django.core.files.uploadedfile import SimpleUploadedFile

from capacity.models import BomImport, Part
from capacity.services.projects import bom_import_run


def page(client, user, url, status=200):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response


class TestProjects:
    def test_a_buyer_creates_a_project_and_sees_its_tree(self, client, alice, mould, parts, project):
        response = page(client, alice, f"/b/mould/capacity/projects/{project.pk}/")
        html = response.content.decode()
        assert "型腔镶件" in html and "CNC铣削 → 热处理" in html
        created = client.post("/b/mould/capacity/projects/", {"code": "M-2026-019", "name": "洗衣机面板模具"})
        assert created.status_code == 302

    def test_a_duplicate_code_is_a_field_error(self, client, alice, project):
        client.force_login(alice)
        response = client.post("/b/mould/capacity/projects/", {"code": project.code, "name": "x"})
        assert response.status_code == 400 and response.context["form"].errors["code"]

    def test_other_enterprises_and_suppliers_get_404(self, client, project, shop_a, charlie, bob):
        page(client, shop_a, f"/b/mould/capacity/projects/{project.pk}/", status=404)  # supplier, not buyer
        page(client, shop_a, "/b/mould/capacity/projects/", status=404)
        page(client, charlie, f"/b/mould/capacity/projects/{project.pk}/", status=404)  # other brain
        page(client, bob, f"/b/mould/capacity/projects/{project.pk}/")  # alice's colleague

    def test_another_buyer_of_the_same_brain_gets_404(self, client, mould, project):
        from conftest import join, make_enterprise, make_user

        other = make_enterprise(30, "黄岩华宇塑料制品有限公司")
        join(mould, other, roles=("buyer",))
        page(client, make_user("huayu", enterprise=other), f"/b/mould/capacity/projects/{project.pk}/", status=404)


class TestBomUpload:
    def test_an_upload_is_imported_by_the_worker_and_reported(self, client, alice, project, in_brain):
        client.force_login(alice)
        content = "零件编号,零件名称,数量,工序\nP-1,动模板,1,CNC\nP-2,顶针,20,热处理\n".encode("gbk")
        response = client.post(f"/b/mould/capacity/projects/{project.pk}/",
                               {"file": SimpleUploadedFile("bom.csv", content)})
        assert response.status_code == 302
        with in_brain(project.brain):
            job = BomImport.objects.get()
        assert page(client, alice, response["Location"]).context["job"].status == "pending"
        with in_brain(project.brain):
            bom_import_run(brain_id=project.brain_id, import_id=job.pk)  # what the worker does
            assert Part.objects.filter(project=project).count() == 2
        status = client.get(response["Location"], HTTP_HX_REQUEST="true")
        assert "2" in status.content.decode() and status.context["job"].status == "done"

    def test_bad_rows_are_listed(self, client, alice, project, in_brain):
        client.force_login(alice)
        response = client.post(f"/b/mould/capacity/projects/{project.pk}/",
                               {"file": SimpleUploadedFile("bom.csv", "零件编号,零件名称,数量\nP-1,,0\n".encode())})
        with in_brain(project.brain):
            job = bom_import_run(brain_id=project.brain_id, import_id=BomImport.objects.get().pk)
        html = page(client, alice, response["Location"]).content.decode()
        assert job.status == "rejected" and "零件名称" in html and "数量" in html

    def test_a_wrong_file_type_is_refused_at_once(self, client, alice, project, in_brain):
        client.force_login(alice)
        client.post(f"/b/mould/capacity/projects/{project.pk}/", {"file": SimpleUploadedFile("bom.pdf", b"%PDF")})
        with in_brain(project.brain):
            assert not BomImport.objects.exists()


def test_a_drawing_uploaded_on_the_project_page_is_offered_to_quoting_suppliers(client, alice, open_rfq, parts,
                                                                              shop_a, in_brain):
    client.force_login(alice)
    cavity = parts["cavity"]
    for _version in range(2):
        client.post(f"/b/mould/capacity/projects/{open_rfq.project_id}/",
                    {"action": "drawing", "part": cavity.pk, "file": SimpleUploadedFile("cav.pdf", b"%PDF-1.7 ...")})
    client.post(f"/b/mould/capacity/projects/{open_rfq.project_id}/",
                {"action": "drawing", "part": cavity.pk, "file": SimpleUploadedFile("fake.pdf", b"not a pdf")})
    tree = page(client, alice, f"/b/mould/capacity/projects/{open_rfq.project_id}/").context["tree"]
    assert next(r for r in tree if r.part.pk == cavity.pk).drawing.version == 2
    html = page(client, shop_a, f"/b/mould/capacity/quote/{open_rfq.pk}/").content.decode()
    assert "v2" in html
    drawing = next(r for r in tree if r.part.pk == cavity.pk).drawing
    download = client.get(f"/api/v1/brains/mould/drawings/{drawing.pk}/download/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
