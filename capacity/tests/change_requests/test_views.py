"""Change requests on the work order page."""

from datetime import timedelta

from django.utils import timezone

from capacity.models import ChangeRequest, WorkOrderLine
from tenants.context import brain_context


def page(work_order):
    return f"/b/mould/capacity/work-orders/{work_order.pk}/"


def fresh(obj):
    with brain_context(obj.brain_id):
        return type(obj).objects.get(pk=obj.pk)


def lines_by_part(work_order):
    with brain_context(work_order.brain_id):
        return {line.part.part_no: line for line in WorkOrderLine.objects.filter(work_order=work_order)
                .select_related("part", "work_order")}


class TestChangeRequests:
    def test_the_supplier_asks_and_the_buyer_accepts_on_the_page(self, client, accepted, shop_a, alice):
        work_order, _lines = accepted
        line = lines_by_part(work_order)["CAV-01"]
        new_due = timezone.localdate() + timedelta(days=45)
        client.force_login(shop_a)
        response = client.post(page(work_order), {"action": "change", "line": line.pk,
                                                  "new_due_date": new_due.isoformat(), "reason": "等材料到厂"})
        assert response.status_code == 302
        html = client.get(page(work_order)).content.decode()
        assert 'data-testid="pending-change"' in html and 'data-testid="change-accept"' not in html  # its own
        client.force_login(alice)
        html = client.get(page(work_order)).content.decode()
        assert "等材料到厂" in html and 'data-testid="change-accept"' in html
        with brain_context(work_order.brain_id):
            change = ChangeRequest.objects.get()
        response = client.post(page(work_order), {"action": "change-accept", "change": change.pk, "response": "同意"})
        assert response.status_code == 302 and fresh(line).due_date == new_due
        html = client.get(page(work_order)).content.decode()
        assert 'data-testid="pending-change"' not in html and new_due.isoformat() in html and "同意" in html

    def test_reject_needs_a_response_and_the_asker_withdraws(self, client, accepted, shop_a, alice):
        work_order, _lines = accepted
        line = lines_by_part(work_order)["EJ-01"]
        client.force_login(alice)
        client.post(page(work_order), {"action": "change", "line": line.pk, "new_quantity": "60", "reason": "追加"})
        with brain_context(work_order.brain_id):
            change = ChangeRequest.objects.get()
        client.force_login(shop_a)
        response = client.post(page(work_order), {"action": "change-reject", "change": change.pk, "response": ""})
        assert response.status_code == 400 and fresh(change).status == "pending"
        assert client.post(page(work_order), {"action": "change-withdraw", "change": change.pk}).status_code == 400
        client.force_login(alice)
        client.post(page(work_order), {"action": "change-withdraw", "change": change.pk})
        assert fresh(change).status == "withdrawn" and fresh(line).quantity == 40

    def test_bad_asks_are_400(self, client, accepted, shop_a):
        work_order, _lines = accepted
        line = lines_by_part(work_order)["CAV-01"]
        client.force_login(shop_a)
        for data in ({"new_due_date": "2020-01-01", "reason": "x"}, {"new_due_date": "not a date", "reason": "x"},
                     {"new_quantity": "5", "reason": ""}, {"reason": "nothing"}):
            response = client.post(page(work_order), {"action": "change", "line": line.pk, **data})
            assert response.status_code == 400, data
        with brain_context(work_order.brain_id):
            assert not ChangeRequest.objects.exists()

    def test_a_change_request_of_another_work_order_is_404(self, client, accepted, shop_a, alice):
        work_order, _lines = accepted
        client.force_login(alice)
        assert client.post(page(work_order), {"action": "change-accept", "change": 999999}).status_code == 404
