"""The RFQ pages: the buyer's RFQs, the suppliers' quotes; other brains' pages."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from capacity.models import Quote, Rfq
from capacity.services import rfqs
from capacity.tests.conftest import lines_of, past_deadline, price


def page(client, user, url, status=200):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response


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


@pytest.mark.parametrize("url", ["/b/mould/capacity/rfqs/", "/b/mould/capacity/projects/"])
def test_pages_of_another_brain_are_404(client, charlie, mould, url):
    page(client, charlie, url, status=404)


def test_a_cancelled_rfq_is_gone_from_the_quote_page(client, alice, open_rfq, shop_a):
    rfqs.rfq_cancel(rfq=open_rfq, by=alice)
    page(client, shop_a, f"/b/mould/capacity/quote/{open_rfq.pk}/", status=404)
