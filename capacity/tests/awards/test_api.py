"""The awards API: recommendations, awarding once, the purchase orders."""

from decimal import Decimal

from capacity.models import Award, Quote
from capacity.services import awards, rfqs
from capacity.tests.conftest import lines_of, past_deadline
from conftest import api_as
from tenants.context import brain_context
from tests.support import ids, url

# --- Recommendations -----------------------------------------------------------------------------------


def test_a_recommendation_is_asked_for_and_read_back(open_rfq, alice, shop_a, shop_b, in_brain):
    cavity, pin = lines_of(open_rfq)
    rfqs.quote_submit(rfq=open_rfq, by=shop_a, lines=[
        {"rfq_line": cavity.pk, "unit_price": Decimal("18000"), "lead_time_days": 20},
        {"rfq_line": pin.pk, "unit_price": Decimal("30"), "lead_time_days": 7}])
    rfqs.quote_submit(rfq=open_rfq, by=shop_b, lines=[
        {"rfq_line": cavity.pk, "unit_price": Decimal("16500"), "lead_time_days": 25},
        {"rfq_line": pin.pk, "unit_price": Decimal("32"), "lead_time_days": 5}])
    client = api_as(alice)
    assert client.get(url("rfq-recommendations", pk=open_rfq.pk)).status_code == 404
    past_deadline(open_rfq)
    asked = client.post(url("rfq-recommendations", pk=open_rfq.pk), {"max_suppliers": 1}, format="json")
    assert asked.status_code == 202 and asked.json()["status"] == "pending" and asked.json()["total"] is None
    with in_brain(open_rfq.brain):  # what the worker does
        awards.recommendation_compute(brain_id=open_rfq.brain_id, recommendation_id=asked.json()["id"])
    ready = client.get(url("rfq-recommendations", pk=open_rfq.pk)).json()
    assert ready["status"] == "ready" and ready["naive_feasible"] is False
    assert (ready["total"], ready["naive_total"], ready["difference"]) == ("17780.00", "17700.00", "80.00")
    assert ready["optimal"] is True and ready["unquoted_lines"] == []
    assert {c["supplier"] for c in ready["choice"]} == {shop_b.enterprise_id}
    decisions = [{"rfq_line": c["rfq_line"], "quote_line": c["quote_line"]} for c in ready["choice"]]
    assert client.post(url("rfq-award", pk=open_rfq.pk), {"decisions": decisions}, format="json").status_code == 201
    assert api_as(shop_a).get(url("rfq-recommendations", pk=open_rfq.pk)).status_code == 404


def test_awarding_an_awarded_line_again_is_already_awarded(two_quotes, alice, in_brain):
    past_deadline(two_quotes)
    line = lines_of(two_quotes)[0]
    with in_brain(two_quotes.brain):
        first, second = Quote.objects.order_by("pk")
        offers = [first.lines.get().pk, second.lines.get().pk]
    client, award = api_as(alice), url("rfq-award", pk=two_quotes.pk)
    first_award = client.post(award, {"decisions": [{"rfq_line": line.pk, "quote_line": offers[0]}]}, format="json")
    assert first_award.status_code == 201
    again = client.post(award, {"decisions": [{"rfq_line": line.pk, "quote_line": offers[1]}]}, format="json")
    assert again.status_code == 400 and again.json()["code"] == "already_awarded"
    assert "decisions" in again.json()["fields"]
    twice = client.post(award, {"decisions": [{"rfq_line": line.pk, "quote_line": offers[0]},
                                              {"rfq_line": line.pk, "quote_line": offers[1]}]}, format="json")
    assert twice.status_code == 400 and "decisions" in twice.json()["fields"]
    with in_brain(two_quotes.brain):
        assert Award.objects.get().quote_line_id == offers[0]


def test_the_purchase_order_list_does_not_grow_queries_with_lines(tender, alice, django_assert_max_num_queries):
    def award_all(rfq):
        with brain_context(rfq.brain_id):
            decisions = dict(rfq.lines.values_list("pk", "quote_lines__pk"))
        awards.award_lines(rfq=rfq, decisions=decisions, by=alice)

    award_all(tender(1, 1)[0])
    client = api_as(alice)
    client.get(url("purchase-order-list"))
    with django_assert_max_num_queries(12) as few:
        assert len(ids(client.get(url("purchase-order-list")))) == 1
    award_all(tender(12, 3)[0])
    with django_assert_max_num_queries(len(few.captured_queries)):
        orders = client.get(url("purchase-order-list")).json()["results"]
    assert len(orders) == 2 and len(orders[0]["lines"]) == 12
