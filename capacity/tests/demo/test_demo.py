"""The capacity demo: the reference story is there, in the states the demo promises, and loads idempotently."""

from datetime import timedelta

import pytest
from django.utils import timezone

from capacity import demo as capacity_demo
from capacity.models import (
    Award, ChangeRequest, Delivery, DeliveryLine, Invitation, Machine, MouldTrial, Operation, Part,
    ProgressReport, Project, PurchaseOrder, Quote, QuoteLine, Recommendation, Rfq, RfqLine, SupplierCapacity,
    SupplierProfile, SupplierRating, WorkOrder,
)
from capacity.selectors.rfqs import comparison
from capacity.services import awards
from capacity.tests.conftest import viewer_of
from tenants import demo as tenants_demo
from tenants.context import brain_context, cross_brain
from tenants.models import Membership, OutboxEvent, User

COUNTED = [SupplierProfile, SupplierCapacity, Machine, Project, Part, Operation, Rfq, RfqLine, Invitation, Quote,
           QuoteLine, PurchaseOrder, Award, OutboxEvent, WorkOrder, ProgressReport, ChangeRequest, Delivery,
           DeliveryLine, SupplierRating, MouldTrial]


def load():
    loaded = tenants_demo.load()
    capacity_demo.load(brains=loaded["brains"], users=loaded["users"])
    return loaded


def snapshot() -> dict:
    with cross_brain(reason="test assertion"):
        counts = {model.__name__: model.objects.count() for model in COUNTED}
        counts["User"] = User.objects.count()
        counts["hours"] = sorted(Operation.objects.values_list("id", "estimated_hours"))
        counts["rfqs"] = sorted(Rfq.objects.values_list("number", "status", "deadline"))
    return counts


@pytest.fixture
def demo(db):
    loaded = load()
    first = snapshot()
    load()
    return loaded, first


def test_a_second_load_changes_nothing(demo):
    _loaded, first = demo
    assert snapshot() == first


def test_every_supplier_has_a_profile_with_machines_and_free_hours(demo):
    loaded, _ = demo
    mould = loaded["brains"]["mould"]
    with brain_context(mould.pk):
        suppliers = set(Membership.objects.in_brain(mould).filter(
            status=Membership.Status.ACTIVE, roles__contains=["supplier"]).values_list("enterprise_id", flat=True))
        profiled = {p.enterprise_id: p for p in SupplierProfile.objects.in_brain(mould).prefetch_related(
            "machines", "capacities")}
    assert suppliers and set(profiled) == suppliers
    for profile in profiled.values():
        assert profile.capacities.all() and profile.summary
    assert sum(len(p.machines.all()) for p in profiled.values()) >= 25
    assert {"SKD61", "45#", "CR12MOV"} <= set().union(*(p.materials for p in profiled.values()))


def test_the_headline_project_has_a_200_part_tree(demo):
    loaded, _ = demo
    mould = loaded["brains"]["mould"]
    with brain_context(mould.pk):
        project = Project.objects.in_brain(mould).get(code="M-2026-018")
        parts = Part.objects.in_brain(mould).filter(project=project)
        assert project.buyer_id == loaded["users"]["buyer"].enterprise_id and project.customer == "奥克斯空调"
        assert parts.count() >= 200
        assert set(parts.filter(parent__part_no="M018-000").values_list("name", flat=True)) == {
            "定模部分", "动模部分", "顶出系统", "冷却系统", "滑块机构", "标准件"}
        assert parts.filter(name__startswith="顶针 Φ").count() >= 8
        assert parts.filter(standard_part=True, name__startswith="内六角螺钉").count() >= 3
        cavity = parts.get(name="型腔镶件")
        assert cavity.material == "S136" and cavity.hardness == "HRC48-52" and cavity.weight_kg > 100
        assert list(cavity.operations.values_list("process__code", flat=True))[:4] == ["CUT", "CNC", "DEEP", "HT"]
        assert Operation.objects.in_brain(mould).filter(part__project=project, estimated_hours__isnull=True).count() == 0


def rfq_titled(loaded, title):
    mould = loaded["brains"]["mould"]
    with brain_context(mould.pk):
        return Rfq.objects.in_brain(mould).select_related("brain", "project").get(title=title)


def test_the_awarded_rfq_has_purchase_orders(demo):
    loaded, _ = demo
    rfq = rfq_titled(loaded, capacity_demo.AWARDED_TITLE)
    with brain_context(rfq.brain_id):
        assert rfq.status == Rfq.Status.AWARDED and rfq.deadline < timezone.now() - timedelta(days=20)
        assert Award.objects.filter(rfq_line__rfq=rfq).count() == rfq.lines.count() >= 8
        assert PurchaseOrder.objects.filter(rfq=rfq).count() >= 2


def test_the_closed_rfq_is_ready_to_compare_and_award(demo):
    loaded, _ = demo
    rfq = rfq_titled(loaded, capacity_demo.CLOSED_TITLE)
    with brain_context(rfq.brain_id):
        assert rfq.status == Rfq.Status.CLOSED and rfq.deadline < timezone.now()
        assert 18 <= rfq.lines.count() <= 22 and not Award.objects.filter(rfq_line__rfq=rfq).exists()
        quotes = list(Quote.objects.filter(rfq=rfq))
        assert 3 <= len(quotes) <= 4 and all(q.submitted_at < rfq.deadline for q in quotes)
        table = comparison(rfq=rfq)
    assert not table.sealed and len(table.suppliers) == len(quotes)
    assert len(table.lowest) == len(table.lines)  # every line has at least one price

    # The buyer's "recommend" button: the optimiser finds a feasible award that respects capacity.
    recommendation = awards.recommendation_request(rfq=rfq, by=loaded["users"]["buyer"])
    with brain_context(rfq.brain_id):
        recommendation = awards.recommendation_compute(brain_id=recommendation.brain_id, recommendation_id=recommendation.pk)
    assert recommendation.status == Recommendation.Status.READY
    assert len(recommendation.choice) == len(table.lines)
    # The cheapest shop cannot take every line in its free CNC hours: that is what the demo shows.
    assert recommendation.naive_feasible is False


def test_the_open_rfq_tenders_heat_treatment_and_pins_with_matching_done(demo):
    loaded, _ = demo
    rfq = rfq_titled(loaded, capacity_demo.OPEN_TITLE)
    supplier2 = loaded["users"]["supplier2"]  # 恒通热处理
    with brain_context(rfq.brain_id):
        assert rfq.status == Rfq.Status.PUBLISHED and rfq.matched_at is not None
        assert timedelta(days=2) < rfq.deadline - timezone.now() < timedelta(days=4)
        lines = list(rfq.lines.select_related("operation__process", "part"))
        heat = [line for line in lines if line.operation_id]
        assert len(heat) == 40 and {line.operation.process.code for line in heat} == {"HT"}
        assert all("镶件" in line.part.name for line in heat)
        assert [line for line in lines if not line.operation_id and line.part.name.startswith("顶针")]
        assert 1 <= Quote.objects.filter(rfq=rfq).count() <= 2
        invitation = Invitation.objects.get(rfq=rfq, supplier_id=supplier2.enterprise_id)
        assert invitation.source == Invitation.Source.MATCHING and len(invitation.matched_lines) == 40
        assert "process" in invitation.matched_lines[0]["reasons"]
        assert comparison(rfq=rfq).sealed  # quoting still runs: prices stay sealed


def test_production_shows_every_state_a_buyer_meets(demo):
    """The board of the headline project has late, blocked, at-risk and done parts; one work order went
    through delivery, rework and acceptance to completion and a rating; a change request waits; T1 is booked."""
    from capacity.selectors.board import project_board

    loaded, _ = demo
    buyer = loaded["users"]["buyer"]
    mould = loaded["brains"]["mould"]
    with brain_context(mould.pk):
        project = Project.objects.get(code=capacity_demo.PROJECT_CODE)
    board = project_board(project, viewer=viewer_of(buyer, project))
    assert {"late", "blocked", "at_risk", "done", "not_awarded"} <= {row.risk for row in board.rows}
    assert [row.risk for row in board.rows][:1] == ["late"]  # worst first
    with brain_context(mould.pk):
        completed = WorkOrder.objects.get(status=WorkOrder.Status.COMPLETED)
        assert completed.accepted_amount > 0 and completed.accepted_tax > 0 and completed.rating.quality == 4
        assert DeliveryLine.objects.filter(outcome="rework").count() == 1
        assert SupplierProfile.objects.get(enterprise_id=completed.supplier_id).ratings_count == 1
        in_production = WorkOrder.objects.filter(status=WorkOrder.Status.ACCEPTED).count()
        assert in_production >= 1 and ChangeRequest.objects.filter(status="pending").count() == in_production
        assert MouldTrial.objects.get(project=project).number == 1
