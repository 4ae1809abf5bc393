"""Who hears of what: matched suppliers are invited (in-app and e-mail), buyers hear of quotes (never a
price), winners and losers of an award."""

from django.core import mail

from capacity.services import awards, matching, notifications, rfqs
from capacity.tests.conftest import lines_of, past_deadline, price
from tenants.models import Notification, OutboxEvent


def handle_events(brain, name):
    """Run the notification handler for every recorded event of that name, as the worker would."""
    from tenants.context import brain_context

    with brain_context(brain.pk):
        made = []
        for event in OutboxEvent.objects.filter(name=name):
            made += notifications.notifications_from_event(brain_id=brain.pk, event_id=event.pk)
        return made


def test_matched_suppliers_hear_of_the_rfq_by_notification_and_email(open_rfq, profiled, mould, in_brain):
    shop_a, shop_b = profiled
    shop_a.email, shop_b.email = "hongda@example.cn", "yongsheng@example.cn"
    shop_a.save(), shop_b.save()
    with in_brain(mould):
        matching.matching_run(brain_id=open_rfq.brain_id, rfq_id=open_rfq.pk)
    made = handle_events(mould, "rfq.matched")
    assert {n.user_id for n in made} == {shop_a.pk, shop_b.pk}
    assert open_rfq.number in made[0].title and made[0].link.endswith(f"/capacity/quote/{open_rfq.pk}/")
    assert sorted(m.to[0] for m in mail.outbox) == ["hongda@example.cn", "yongsheng@example.cn"]
    assert open_rfq.number in mail.outbox[0].subject


def test_the_buyer_hears_of_a_quote_but_not_its_price(open_rfq, shop_a, alice, bob, mould):
    rfqs.quote_submit(rfq=open_rfq, by=shop_a, lines=[price(lines_of(open_rfq)[0], "18888")])
    made = handle_events(mould, "quote.submitted")
    assert {n.user_id for n in made} == {alice.pk, bob.pk}
    assert all("18888" not in n.title and "18888" not in str(n.params) for n in made)


def test_winners_and_losers_of_an_award(open_rfq, shop_a, shop_b, alice, mould, in_brain):
    cavity, pin = lines_of(open_rfq)
    quote_a = rfqs.quote_submit(rfq=open_rfq, by=shop_a, lines=[price(cavity, "18000"), price(pin, "30")])
    rfqs.quote_submit(rfq=open_rfq, by=shop_b, lines=[price(cavity, "19000")])
    past_deadline(open_rfq)
    with in_brain(mould):
        decisions = {ql.rfq_line_id: ql.pk for ql in quote_a.lines.all()}
    awards.award_lines(rfq=open_rfq, decisions=decisions, by=alice)
    made = handle_events(mould, "rfq.awarded")
    kinds = {(n.user_id, n.kind) for n in made}
    assert kinds == {(shop_a.pk, "rfq.awarded.won"), (shop_b.pk, "rfq.awarded.lost")}
    won = next(n for n in made if n.kind == "rfq.awarded.won")
    assert "PO-" in won.title and "2" in won.title
    assert len(handle_events(mould, "rfq.awarded")) == 2  # a re-run adds none
    with in_brain(mould):
        assert Notification.objects.count() == 2


def test_a_redelivered_event_sends_no_second_email(open_rfq, profiled, mould, in_brain):
    shop_a, shop_b = profiled
    shop_a.email = "hongda@example.cn"
    shop_a.save()
    with in_brain(mould):
        matching.matching_run(brain_id=mould.pk, rfq_id=open_rfq.pk)
    handle_events(mould, "rfq.matched")
    handle_events(mould, "rfq.matched")
    assert [m.to for m in mail.outbox] == [["hongda@example.cn"]]


def test_suppliers_invited_by_name_hear_of_the_rfq_when_it_is_published(project, parts, alice, shop_a, shop_b,
                                                                       mould):
    from datetime import timedelta

    from django.utils import timezone

    rfq = rfqs.rfq_create(project=project, by=alice, title="定向询价", deadline=timezone.now() + timedelta(days=1),
                          lines=[{"part": parts["pin"].pk}], invited=[shop_a.enterprise_id], open_to_all=False)
    rfqs.rfq_publish(rfq=rfq, by=alice)
    made = handle_events(mould, "rfq.published")
    assert [(n.user_id, n.kind) for n in made] == [(shop_a.pk, "rfq.invited")]


def test_a_cancelled_rfq_is_told_to_those_who_quoted(open_rfq, shop_a, alice, mould):
    rfqs.quote_submit(rfq=open_rfq, by=shop_a, lines=[price(lines_of(open_rfq)[0], "100")])
    rfqs.rfq_cancel(rfq=open_rfq, by=alice)
    assert [n.user_id for n in handle_events(mould, "rfq.cancelled")] == [shop_a.pk]
