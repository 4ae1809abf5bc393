"""The capacity web pages: buyers' projects and RFQs, suppliers' profile and quotes, POs."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from capacity.models import BomImport, Part, Quote, Rfq, SupplierProfile
from capacity.services import awards, rfqs
from capacity.services.projects import bom_import_run
from capacity.tests.conftest import lines_of, past_deadline, price


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


class TestRfqPages:
    def test_the_buyer_tenders_parts_and_single_operations(self, client, alice, project, parts, in_brain):
        client.force_login(alice)
        pin_heat = parts["pin"]
        with in_brain(project.brain):
            heat = pin_heat.operations.get(process__code="HT")
        deadline = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
        response = client.post(f"/b/mould/capacity/projects/{project.pk}/rfqs/new/", {
            "title": "型腔与顶针热处理", "deadline": deadline, "open_to_all": "on",
            f"part-{parts['cavity'].pk}": "on", f"op-{heat.pk}": "on"})
        assert response.status_code == 302
        with in_brain(project.brain):
            rfq = Rfq.objects.get()
            assert [(l.part_id, l.operation_id) for l in rfq.lines.order_by("line_no")] == [
                (parts["cavity"].pk, None), (pin_heat.pk, heat.pk)]

    def test_no_lines_is_an_error_on_the_form(self, client, alice, project, parts):
        client.force_login(alice)
        deadline = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
        response = client.post(f"/b/mould/capacity/projects/{project.pk}/rfqs/new/",
                               {"title": "x", "deadline": deadline})
        assert response.status_code == 400 and response.context["form"].non_field_errors()

    def test_sealed_then_open_comparison_then_award(self, client, alice, open_rfq, shop_a, shop_b, in_brain):
        cavity, pin = lines_of(open_rfq)
        rfqs.quote_submit(rfq=open_rfq, by=shop_a, lines=[price(cavity, "18000", 20), price(pin, "30")])
        rfqs.quote_submit(rfq=open_rfq, by=shop_b, lines=[price(cavity, "16500", 25)])
        sealed = page(client, alice, f"/b/mould/capacity/rfqs/{open_rfq.pk}/").content.decode()
        assert 'data-testid="sealed"' in sealed and "16500" not in sealed and "18000" not in sealed
        past_deadline(open_rfq)
        response = page(client, alice, f"/b/mould/capacity/rfqs/{open_rfq.pk}/")
        html = response.content.decode()
        assert "16500.00" in html and 'class="lowest"' in html
        comparison = response.context["comparison"]
        cell = comparison.cells[(cavity.pk, shop_b.enterprise_id)]
        client.post(f"/b/mould/capacity/rfqs/{open_rfq.pk}/", {"action": "award", f"award-{cavity.pk}": cell.pk})
        with in_brain(open_rfq.brain):
            assert cavity.__class__.objects.get(pk=cavity.pk).awards.get().quote_line_id == cell.pk

    def test_a_supplier_cannot_open_the_buyers_rfq_page(self, client, open_rfq, shop_a):
        page(client, shop_a, f"/b/mould/capacity/rfqs/{open_rfq.pk}/", status=404)


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

    def test_a_supplier_sees_the_rfq_quotes_and_revises(self, client, open_rfq, shop_a, in_brain):
        listing = page(client, shop_a, "/b/mould/capacity/rfqs/")
        assert open_rfq in list(listing.context["open"])
        cavity, pin = lines_of(open_rfq)
        form = {"q-TOTAL_FORMS": "2", "q-INITIAL_FORMS": "2", "q-0-rfq_line": cavity.pk, "q-0-unit_price": "17500",
                "q-0-vat_rate": "13", "q-0-lead_time_days": "18", "q-1-rfq_line": pin.pk, "q-1-unit_price": "",
                "q-1-vat_rate": "13"}
        assert client.post(f"/b/mould/capacity/quote/{open_rfq.pk}/", form).status_code == 302
        form["q-0-unit_price"] = "17200"
        client.post(f"/b/mould/capacity/quote/{open_rfq.pk}/", form)
        with in_brain(open_rfq.brain):
            quote = Quote.objects.get()
            assert quote.revision == 2 and quote.lines.get().unit_price == Decimal("17200.00")

    def test_a_price_without_lead_time_is_an_error(self, client, open_rfq, shop_a, in_brain):
        client.force_login(shop_a)
        cavity, pin = lines_of(open_rfq)
        response = client.post(f"/b/mould/capacity/quote/{open_rfq.pk}/", {
            "q-TOTAL_FORMS": "1", "q-INITIAL_FORMS": "1", "q-0-rfq_line": cavity.pk, "q-0-unit_price": "100"})
        assert response.status_code == 400
        with in_brain(open_rfq.brain):
            assert not Quote.objects.exists()

    def test_a_draft_is_invisible_to_suppliers(self, client, alice, project, parts, shop_a):
        draft = rfqs.rfq_create(project=project, by=alice, title="草稿", deadline=timezone.now() + timedelta(days=1),
                                lines=[{"part": parts["pin"].pk}])
        page(client, shop_a, f"/b/mould/capacity/quote/{draft.pk}/", status=404)


def test_the_purchase_order_is_for_its_buyer_and_supplier_only(client, alice, open_rfq, shop_a, shop_b, in_brain):
    cavity, pin = lines_of(open_rfq)
    quote = rfqs.quote_submit(rfq=open_rfq, by=shop_a, lines=[price(cavity, "18000"), price(pin, "30")])
    past_deadline(open_rfq)
    with in_brain(open_rfq.brain):
        decisions = {ql.rfq_line_id: ql.pk for ql in quote.lines.all()}
    [order] = awards.award_lines(rfq=open_rfq, decisions=decisions, by=alice)
    url = f"/b/mould/capacity/purchase-orders/{order.pk}/"
    sheet = page(client, shop_a, url).context
    assert sheet["total"] == Decimal("19200.00") and sheet["tax"] == Decimal("2208.85")
    page(client, alice, url)
    page(client, shop_b, url, status=404)


@pytest.mark.parametrize("url", ["/b/mould/capacity/rfqs/", "/b/mould/capacity/projects/"])
def test_pages_of_another_brain_are_404(client, charlie, mould, url):
    page(client, charlie, url, status=404)


def test_buyers_see_the_capacity_map_filtered_by_process_and_material(client, alice, profiled, charlie):
    shop_a, shop_b = profiled
    everyone = page(client, alice, "/b/mould/capacity/suppliers/").context["profiles"]
    assert {p.enterprise_id for p in everyone} == {shop_a.enterprise_id, shop_b.enterprise_id}
    assert len(page(client, alice, "/b/mould/capacity/suppliers/?process=CNC&material=nak80").context["profiles"]) == 2
    assert len(page(client, alice, "/b/mould/capacity/suppliers/?material=S136").context["profiles"]) == 0
    assert "立式加工中心" in page(client, alice, "/b/mould/capacity/suppliers/").content.decode()
    page(client, charlie, "/b/mould/capacity/suppliers/", status=404)


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


def test_a_time_limited_recommendation_says_how_far_from_optimal_it_may_be(client, alice, open_rfq, in_brain):
    from capacity.models import Recommendation

    past_deadline(open_rfq)
    with in_brain(open_rfq.brain):
        Recommendation.objects.create(brain=open_rfq.brain, rfq=open_rfq, status="ready", total=Decimal("100.00"),
                                      naive_total=Decimal("95.00"), naive_feasible=False, optimal=False,
                                      gap=Decimal("0.01200"), requested_by=alice)
    html = page(client, alice, f"/b/mould/capacity/rfqs/{open_rfq.pk}/").content.decode()
    assert 'data-testid="gap"' in html and "0.012" in html


def test_a_cancelled_rfq_is_gone_from_the_quote_page(client, alice, open_rfq, shop_a):
    rfqs.rfq_cancel(rfq=open_rfq, by=alice)
    page(client, shop_a, f"/b/mould/capacity/quote/{open_rfq.pk}/", status=404)
