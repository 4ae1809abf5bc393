import pytest

from conftest import make_user
from tenants.errors import DomainError, NotAllowed
from tenants.models import BrainStaff, Membership, OutboxEvent
from tenants.services import memberships
from tests.support import race


def events(everywhere, name):
    with everywhere():
        return list(OutboxEvent.objects.filter(name=name))


class TestMembership:
    def test_it_applies_admits_suspends_and_reinstates(self, mould, charlie, charlie_ent, olga, in_brain, everywhere):
        membership = memberships.membership_apply(brain=mould, enterprise=charlie_ent, roles=["supplier"], by=charlie)
        assert membership.status == Membership.Status.APPLIED
        assert [e.payload["membership"] for e in events(everywhere, "membership.applied")] == [membership.pk]

        with in_brain(mould):
            membership = memberships.membership_decide(membership=membership, decision="admit", by=olga)
            assert membership.status == Membership.Status.ACTIVE and membership.decided_by == olga
            membership = memberships.membership_decide(membership=membership, decision="suspend", note="逾期", by=olga)
            assert membership.status == Membership.Status.SUSPENDED and membership.note == "逾期"
            membership = memberships.membership_decide(membership=membership, decision="reinstate", by=olga)
            assert membership.status == Membership.Status.ACTIVE
        assert len(events(everywhere, "membership.admitted")) == 1

    def test_it_refuses_a_second_application(self, mould, charlie, charlie_ent):
        memberships.membership_apply(brain=mould, enterprise=charlie_ent, roles=["supplier"], by=charlie)
        with pytest.raises(DomainError) as error:
            memberships.membership_apply(brain=mould, enterprise=charlie_ent, roles=["buyer"], by=charlie)
        assert error.value.code == "duplicate"

    def test_it_lets_a_rejected_enterprise_apply_again(self, mould, charlie, charlie_ent, olga, in_brain):
        membership = memberships.membership_apply(brain=mould, enterprise=charlie_ent, roles=["supplier"], by=charlie)
        with in_brain(mould):
            memberships.membership_decide(membership=membership, decision="reject", by=olga)
        again = memberships.membership_apply(brain=mould, enterprise=charlie_ent, roles=["buyer"], by=charlie)
        assert again.pk == membership.pk and again.status == Membership.Status.APPLIED and again.roles == ["buyer"]

    @pytest.mark.parametrize("roles", [[], ["owner"]])
    def test_it_rejects_bad_roles_and_writes_nothing(self, mould, charlie, charlie_ent, roles, everywhere):
        with pytest.raises(DomainError) as error:
            memberships.membership_apply(brain=mould, enterprise=charlie_ent, roles=roles, by=charlie)
        assert error.value.field == "roles"
        with everywhere():
            assert not Membership.objects.filter(brain=mould, enterprise=charlie_ent).exists()

    def test_only_an_enterprise_admin_applies(self, mould, charlie_ent):
        clerk = make_user("clerk", enterprise=charlie_ent, role="member")
        with pytest.raises(NotAllowed):
            memberships.membership_apply(brain=mould, enterprise=charlie_ent, roles=["buyer"], by=clerk)

    def test_nobody_applies_for_another_enterprise(self, mould, alice, charlie_ent):
        with pytest.raises(NotAllowed):
            memberships.membership_apply(brain=mould, enterprise=charlie_ent, roles=["buyer"], by=alice)

    def test_only_operators_decide(self, mould, alice, alice_ent, in_brain):
        with in_brain(mould):
            membership = Membership.objects.get(enterprise=alice_ent)
            with pytest.raises(NotAllowed):
                memberships.membership_decide(membership=membership, decision="suspend", by=alice)

    def test_an_operator_of_another_brain_may_not_decide(self, mould, pump, alice_ent, in_brain):
        pump_operator = make_user("pumpop")
        with in_brain(pump):
            BrainStaff.objects.create(brain=pump, user=pump_operator, role=BrainStaff.Role.OPERATOR)
        with in_brain(mould):
            membership = Membership.objects.get(enterprise=alice_ent)
            with pytest.raises(NotAllowed):
                memberships.membership_decide(membership=membership, decision="suspend", by=pump_operator)

    def test_an_impossible_transition_is_refused(self, mould, alice_ent, olga, in_brain):
        with in_brain(mould):
            membership = Membership.objects.get(enterprise=alice_ent)  # active
            with pytest.raises(DomainError) as error:
                memberships.membership_decide(membership=membership, decision="admit", by=olga)
            assert error.value.code == "invalid_state"
            membership.refresh_from_db()
            assert membership.status == Membership.Status.ACTIVE

    def test_verify_marks_the_enterprise_once(self, mould, alice_ent, olga, in_brain, everywhere):
        with in_brain(mould):
            membership = Membership.objects.get(enterprise=alice_ent)
            memberships.enterprise_verify(membership=membership, by=olga)
            memberships.enterprise_verify(membership=membership, by=olga)
        alice_ent.refresh_from_db()
        assert alice_ent.verified and alice_ent.verified_at is not None
        assert len(events(everywhere, "enterprise.verified")) == 1


@pytest.mark.django_db(transaction=True)
def test_two_operators_deciding_at_once_decide_once(mould, charlie, charlie_ent, olga, in_brain):
    second = make_user("oscar")
    with in_brain(mould):
        BrainStaff.objects.create(brain=mould, user=second, role=BrainStaff.Role.OPERATOR)
    membership = memberships.membership_apply(brain=mould, enterprise=charlie_ent, roles=["supplier"], by=charlie)

    def decide(decision, by):
        try:
            memberships.membership_decide(membership=membership, decision=decision, by=by)
            return decision
        except DomainError as error:
            return error.code

    results = race(lambda: decide("admit", olga), lambda: decide("reject", second))
    assert sorted(results) in (["admit", "invalid_state"], ["invalid_state", "reject"])
    with in_brain(mould):
        membership.refresh_from_db()
    assert membership.status in ("active", "rejected")


def test_an_unknown_decision_is_a_domain_error(mould, alice_ent, olga, in_brain):
    with in_brain(mould):
        membership = Membership.objects.get(enterprise=alice_ent)
    with pytest.raises(DomainError):
        memberships.membership_decide(membership=membership, decision="explode", by=olga)


def test_a_rejected_applicant_cannot_be_verified(mould, charlie, charlie_ent, olga, in_brain):
    membership = memberships.membership_apply(brain=mould, enterprise=charlie_ent, roles=["supplier"], by=charlie)
    with in_brain(mould):
        memberships.membership_decide(membership=membership, decision="reject", by=olga)
    with pytest.raises(DomainError):
        memberships.enterprise_verify(membership=membership, by=olga)
    charlie_ent.refresh_from_db()
    assert not charlie_ent.verified
