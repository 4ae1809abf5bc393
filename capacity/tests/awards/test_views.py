"""The purchase order and recommendation pages."""

from decimal import Decimal

from capacity.services import awards, rfqs
from capacity.tests.conftest import lines_of, past_deadline, price


def page(client, user, url, status=200):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response


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


def test_a_time_limited_recommendation_says_how_far_from_optimal_it_may_be(client, alice, open_rfq, in_brain):
    from capacity.models import Recommendation

    past_deadline(open_rfq)
    with in_brain(open_rfq.brain):
        Recommendation.objects.create(brain=open_rfq.brain, rfq=open_rfq, status="ready", total=Decimal("100.00"),
                                      naive_total=Decimal("95.00"), naive_feasible=False, optimal=False,
                                      gap=Decimal("0.01200"), requested_by=alice)
    html = page(client, alice, f"/b/mould/capacity/rfqs/{open_rfq.pk}/").content.decode()
    assert 'data-testid="gap"' in html and "0.012" in html
