"""The scheduled build through a real Celery worker: two runs at once publish the last complete month once."""

from datetime import datetime, time
from time import sleep

from django.utils import timezone

from conftest import wait_for
from dataproducts.definitions import last_complete_period
from dataproducts.models import Revision
from dataproducts.services.products import product_update
from dataproducts.tasks import refresh_data_products
from dataproducts.tests.products.transactions import SHANGHAI, suppliers
from tenants.context import brain_context


def test_two_scheduled_runs_at_once_publish_once(celery_worker, product, deals, olga):
    first, _last = last_complete_period("month", timezone.localdate())
    for maker in suppliers(product.brain, 5, start=700):
        deals.award(maker, process="CNC", material="P20", price="120.00",
                    at=datetime.combine(first, time(10), tzinfo=SHANGHAI))
    product_update(product=product, by=olga, status="listed")
    refresh_data_products.delay(), refresh_data_products.delay()  # beat's run and a redelivered one, at once

    def published():
        with brain_context(product.brain_id):
            return list(Revision.objects.filter(product=product).values_list("status", "period_from"))

    assert wait_for(published, timeout=60) == [("published", first)]
    refresh_data_products.delay()
    sleep(5)  # both other runs finish (no result backend to wait on): they find the same data published
    assert published() == [("published", first)]
