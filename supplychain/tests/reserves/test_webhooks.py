"""Reserve events as webhooks: a draw or a share is its member's alone; a replenishment order its supplier's;
a price change everyone's who subscribed in the brain."""

from decimal import Decimal as D

from django.utils import timezone

from supplychain.services import reserves
from tenants.context import brain_context
from tenants.models import OutboxEvent, WebhookDelivery
from tenants.webhooks import webhook_endpoint_create, webhooks_fan_out


def subscribe(brain, user, types):
    return webhook_endpoint_create(brain=brain, by=user, url=f"https://erp-{user.username}.example.com/hooks/ib",
                                   event_types=types)


def fan_out(brain):
    with brain_context(brain.pk):
        ids = list(OutboxEvent.objects.filter(name__startswith="reserve.").values_list("pk", flat=True))
    for event_id in ids:
        webhooks_fan_out(brain_id=brain.pk, event_id=event_id)
    with brain_context(brain.pk):
        return sorted(WebhookDelivery.objects.values_list("endpoint__enterprise__legal_name", "event_type"))


def test_the_reserve_event_types_are_in_the_catalogue(alice):
    from django.urls import reverse

    from conftest import api_as

    types = {t["name"] for t in api_as(alice).get(reverse("webhook-event-types")).json()}
    assert {"reserve.drawn", "reserve.price_recorded", "reserve.replenishment_opened"} <= types


def test_each_reserve_event_reaches_only_the_enterprises_that_may_read_it(steel_reserve, pump, pete, dongfang, songmen,
                                                                          steel):
    for user in (dongfang, songmen, steel):
        subscribe(pump, user, ["*"])
    with brain_context(pump.pk):
        OutboxEvent.objects.filter(name__startswith="reserve.").delete()  # the set-up's, before anyone subscribed
    reserves.reference_price_record(reserve=steel_reserve, by=pete, value=D("15225.00"), source="上海有色网",
                                    quoted_on=timezone.localdate())
    reserves.reserve_draw(reserve=steel_reserve, by=dongfang, quantity=D("35"))
    reserves.reserve_draw(reserve=steel_reserve, by=songmen, quantity=D("6"))  # 19 t: a replenishment opens
    assert fan_out(pump) == sorted([
        ("温岭市东方泵业有限公司（集采）", "reserve.price_recorded"), ("温岭市松门水泵配件厂", "reserve.price_recorded"),
        ("浙江钱江钢材贸易有限公司", "reserve.price_recorded"),
        ("温岭市东方泵业有限公司（集采）", "reserve.drawn"), ("温岭市松门水泵配件厂", "reserve.drawn"),
        ("浙江钱江钢材贸易有限公司", "reserve.replenishment_opened"),
    ])
    with brain_context(pump.pk):
        body = WebhookDelivery.objects.get(event_type="reserve.drawn", endpoint__enterprise_id=dongfang.enterprise_id).body
    assert '"quantity":"35"' in body and '"stock":"25"' in body
