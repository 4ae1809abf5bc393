"""A real Celery worker turns the buyer's last inspection of a delivery note into the payable, once."""

import pytest

from conftest import wait_for
from finance.models import Payable
from finance.tests.conftest import deliver_and_inspect
from tenants.context import brain_context

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_worker_records_the_payable_from_the_inspection_event(accepted, shop_a, alice, celery_worker):
    work_order, _lines = accepted
    deliver_and_inspect(work_order, shop_a, alice)

    def recorded():
        with brain_context(work_order.brain_id):
            return list(Payable.objects.values_list("amount", "status"))

    assert wait_for(recorded, timeout=20) == [(19200, "pending")]
    # both inspections' events were handled (the first found a line still waiting): still one payable
    with brain_context(work_order.brain_id):
        assert Payable.objects.count() == 1
