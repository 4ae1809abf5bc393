"""Change requests over the API."""

from datetime import timedelta

from django.utils import timezone

from capacity.models import ChangeRequest, WorkOrderLine
from conftest import api_as
from tenants.context import brain_context
from tests.support import ids, url


def lines_by_part(work_order):
    with brain_context(work_order.brain_id):
        return {line.part.part_no: line for line in WorkOrderLine.objects.filter(work_order=work_order)
                .select_related("part", "work_order")}


class TestChangeRequests:
    def ask(self, client, line, **payload):
        return client.post(url("change-request-list"), {"line": line.pk, **payload}, format="json")

    def test_the_supplier_asks_and_the_buyer_accepts(self, accepted, shop_a, alice, shop_b):
        work_order, _lines = accepted
        line = lines_by_part(work_order)["CAV-01"]
        new_due = (timezone.localdate() + timedelta(days=50)).isoformat()
        response = self.ask(api_as(shop_a), line, new_due_date=new_due, reason="等材料到厂")
        assert response.status_code == 201, response.content
        change = response.json()
        assert (change["side"], change["status"], change["new_due_date"], change["old_quantity"], change["work_order"],
                change["part_no"], change["requested_by"]) == (
            "supplier", "pending", new_due, 1, work_order.pk, "CAV-01", "hongda")
        assert ids(api_as(alice).get(url("change-request-list", work_order=work_order.pk, status="pending"))) == [
            change["id"]]
        assert api_as(shop_b).get(url("change-request-detail", pk=change["id"])).status_code == 404
        own = api_as(shop_a).post(url("change-request-accept", pk=change["id"]), {}, format="json")
        assert own.status_code == 403  # not the asker's to decide
        accepted_ = api_as(alice).post(url("change-request-accept", pk=change["id"]), {"response": "可以"}, format="json")
        assert accepted_.status_code == 200 and accepted_.json()["status"] == "accepted"
        detail = api_as(shop_a).get(url("work-order-detail", pk=work_order.pk)).json()
        assert next(row for row in detail["lines"] if row["id"] == line.pk)["due_date"] == new_due

    def test_reject_needs_a_response_and_withdraw_is_the_askers(self, accepted, shop_a, alice):
        work_order, _lines = accepted
        line = lines_by_part(work_order)["EJ-01"]
        change = self.ask(api_as(alice), line, new_quantity=60, reason="追加").json()
        response = api_as(shop_a).post(url("change-request-reject", pk=change["id"]), {}, format="json")
        assert response.status_code == 400 and "response" in response.json()["fields"]
        assert api_as(shop_a).post(url("change-request-withdraw", pk=change["id"])).status_code == 403
        response = api_as(alice).post(url("change-request-withdraw", pk=change["id"]))
        assert response.status_code == 200 and response.json()["status"] == "withdrawn"
        again = self.ask(api_as(alice), line, new_quantity=55, reason="追加")
        rejected = api_as(shop_a).post(url("change-request-reject", pk=again.json()["id"]), {"response": "产能满了"},
                                       format="json")
        assert rejected.json()["status"] == "rejected" and rejected.json()["response"] == "产能满了"
        history = api_as(alice).get(url("change-request-list", line=line.pk)).json()["results"]
        assert [(c["status"], c["new_quantity"]) for c in history] == [("rejected", 55), ("withdrawn", 60)]

    def test_errors(self, accepted, shop_a, alice, zhang):
        work_order, _lines = accepted
        line = lines_by_part(work_order)["CAV-01"]
        client = api_as(shop_a)
        assert self.ask(client, line, reason="x").json()["code"] == "nothing_to_change"
        past = (timezone.localdate() - timedelta(days=1)).isoformat()
        assert "new_due_date" in self.ask(client, line, new_due_date=past, reason="x").json()["fields"]
        assert "reason" in self.ask(client, line, new_quantity=3).json()["fields"]
        assert self.ask(client, line, new_quantity=3, reason="多做两件").status_code == 201
        pending = self.ask(api_as(alice), line, new_quantity=2, reason="少一件")
        assert pending.status_code == 400 and pending.json()["code"] == "change_pending"
        stranger = self.ask(api_as(zhang), line, new_quantity=2, reason="?")  # not a line of zhang's
        assert stranger.status_code == 400 and "line" in stranger.json()["fields"]
        with brain_context(work_order.brain_id):
            assert ChangeRequest.objects.count() == 1
