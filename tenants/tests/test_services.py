import pytest
from django.db import connection

from conftest import make_user
from tenants import services
from tenants.errors import DomainError, NotAllowed
from tenants.models import ApiKey, Brain, Enterprise, Membership, OutboxEvent, Process, RateLimitChange
from tests.support import race


def events(everywhere, name):
    with everywhere():
        return list(OutboxEvent.objects.filter(name=name))


class TestMembership:
    def test_it_applies_admits_suspends_and_reinstates(self, mould, charlie, charlie_ent, olga, in_brain, everywhere):
        membership = services.membership_apply(brain=mould, enterprise=charlie_ent, roles=["supplier"], by=charlie)
        assert membership.status == Membership.Status.APPLIED
        assert [e.payload["membership"] for e in events(everywhere, "membership.applied")] == [membership.pk]

        with in_brain(mould):
            membership = services.membership_decide(membership=membership, decision="admit", by=olga)
            assert membership.status == Membership.Status.ACTIVE and membership.decided_by == olga
            membership = services.membership_decide(membership=membership, decision="suspend", note="逾期", by=olga)
            assert membership.status == Membership.Status.SUSPENDED and membership.note == "逾期"
            membership = services.membership_decide(membership=membership, decision="reinstate", by=olga)
            assert membership.status == Membership.Status.ACTIVE
        assert len(events(everywhere, "membership.admitted")) == 1

    def test_it_refuses_a_second_application(self, mould, charlie, charlie_ent):
        services.membership_apply(brain=mould, enterprise=charlie_ent, roles=["supplier"], by=charlie)
        with pytest.raises(DomainError) as error:
            services.membership_apply(brain=mould, enterprise=charlie_ent, roles=["buyer"], by=charlie)
        assert error.value.code == "duplicate"

    def test_it_lets_a_rejected_enterprise_apply_again(self, mould, charlie, charlie_ent, olga, in_brain):
        membership = services.membership_apply(brain=mould, enterprise=charlie_ent, roles=["supplier"], by=charlie)
        with in_brain(mould):
            services.membership_decide(membership=membership, decision="reject", by=olga)
        again = services.membership_apply(brain=mould, enterprise=charlie_ent, roles=["buyer"], by=charlie)
        assert again.pk == membership.pk and again.status == Membership.Status.APPLIED and again.roles == ["buyer"]

    @pytest.mark.parametrize("roles", [[], ["owner"]])
    def test_it_rejects_bad_roles_and_writes_nothing(self, mould, charlie, charlie_ent, roles, everywhere):
        with pytest.raises(DomainError) as error:
            services.membership_apply(brain=mould, enterprise=charlie_ent, roles=roles, by=charlie)
        assert error.value.field == "roles"
        with everywhere():
            assert not Membership.objects.filter(brain=mould, enterprise=charlie_ent).exists()

    def test_only_an_enterprise_admin_applies(self, mould, charlie_ent):
        clerk = make_user("clerk", enterprise=charlie_ent, role="member")
        with pytest.raises(NotAllowed):
            services.membership_apply(brain=mould, enterprise=charlie_ent, roles=["buyer"], by=clerk)

    def test_nobody_applies_for_another_enterprise(self, mould, alice, charlie_ent):
        with pytest.raises(NotAllowed):
            services.membership_apply(brain=mould, enterprise=charlie_ent, roles=["buyer"], by=alice)

    def test_only_operators_decide(self, mould, alice, alice_ent, in_brain):
        with in_brain(mould):
            membership = Membership.objects.get(enterprise=alice_ent)
            with pytest.raises(NotAllowed):
                services.membership_decide(membership=membership, decision="suspend", by=alice)

    def test_an_operator_of_another_brain_may_not_decide(self, mould, pump, alice_ent, in_brain):
        from tenants.models import BrainStaff

        pump_operator = make_user("pumpop")
        with in_brain(pump):
            BrainStaff.objects.create(brain=pump, user=pump_operator, role=BrainStaff.Role.OPERATOR)
        with in_brain(mould):
            membership = Membership.objects.get(enterprise=alice_ent)
            with pytest.raises(NotAllowed):
                services.membership_decide(membership=membership, decision="suspend", by=pump_operator)

    def test_an_impossible_transition_is_refused(self, mould, alice_ent, olga, in_brain):
        with in_brain(mould):
            membership = Membership.objects.get(enterprise=alice_ent)  # active
            with pytest.raises(DomainError) as error:
                services.membership_decide(membership=membership, decision="admit", by=olga)
            assert error.value.code == "invalid_state"
            membership.refresh_from_db()
            assert membership.status == Membership.Status.ACTIVE

    def test_verify_marks_the_enterprise_once(self, mould, alice_ent, olga, in_brain, everywhere):
        with in_brain(mould):
            membership = Membership.objects.get(enterprise=alice_ent)
            services.enterprise_verify(membership=membership, by=olga)
            services.enterprise_verify(membership=membership, by=olga)
        alice_ent.refresh_from_db()
        assert alice_ent.verified and alice_ent.verified_at is not None
        assert len(events(everywhere, "enterprise.verified")) == 1


class TestBrains:
    def test_a_platform_admin_creates_a_brain_with_its_catalogue(self, root, in_brain):
        brain = services.brain_create(
            slug="sewing", name_zh="缝制设备产业大脑", name_en="Sewing Equipment Brain", sector="缝制",
            processes=[("CUT", "裁剪", "Cutting"), ("SEW", "缝制", "Sewing")], by=root,
        )
        with in_brain(brain):
            assert list(Process.objects.in_brain(brain).values_list("code", flat=True)) == ["CUT", "SEW"]

    def test_nobody_else_creates_brains(self, alice):
        with pytest.raises(NotAllowed):
            services.brain_create(slug="x", name_zh="x", name_en="x", sector="x", by=alice)
        assert not Brain.objects.filter(slug="x").exists()

    def test_a_duplicate_slug_is_a_field_error(self, root, mould):
        with pytest.raises(DomainError) as error:
            services.brain_create(slug="mould", name_zh="x", name_en="x", sector="x", by=root)
        assert error.value.field == "slug"

    def test_a_suspended_brain_takes_no_applications(self, root, mould, charlie, charlie_ent):
        services.brain_suspend(brain=mould, reason="年度评价未通过", by=root)
        with pytest.raises(NotAllowed) as error:
            services.membership_apply(brain=mould, enterprise=charlie_ent, roles=["buyer"], by=charlie)
        assert error.value.code == "brain_suspended"
        services.brain_reactivate(brain=mould, by=root)
        services.membership_apply(brain=mould, enterprise=charlie_ent, roles=["buyer"], by=charlie)

    def test_suspension_needs_a_reason(self, root, mould):
        with pytest.raises(DomainError):
            services.brain_suspend(brain=mould, reason="  ", by=root)
        mould.refresh_from_db()
        assert mould.is_active


class TestApiKeys:
    def test_the_secret_is_shown_once_and_stored_hashed(self, alice, mould):
        issued = services.api_key_create(by=alice, name="ERP 金蝶", scope="write", brains=[mould])
        assert issued.secret.startswith(f"ib_{issued.api_key.prefix}_")
        with connection.cursor() as cursor:
            cursor.execute("SELECT secret_hash FROM tenants_apikey")
            (stored,) = cursor.fetchone()
        assert issued.secret not in stored and len(stored) == 64
        assert stored == services.api_key_hash(issued.secret)

    def test_keys_reach_only_brains_the_enterprise_is_an_active_member_of(self, alice, mould, pump):
        with pytest.raises(DomainError) as error:
            services.api_key_create(by=alice, name="ERP", scope="read", brains=[mould, pump])
        assert error.value.field == "brains" and "pump-valve" in error.value.detail
        assert not ApiKey.objects.exists()

    def test_members_of_the_enterprise_who_are_not_admins_cannot_make_keys(self, bob, mould):
        with pytest.raises(NotAllowed):
            services.api_key_create(by=bob, name="ERP", scope="read", brains=[mould])

    def test_only_the_keys_enterprise_revokes_it(self, alice, charlie, mould):
        issued = services.api_key_create(by=alice, name="ERP", scope="read", brains=[mould])
        with pytest.raises(NotAllowed):
            services.api_key_revoke(api_key=issued.api_key, by=charlie)
        assert services.api_key_revoke(api_key=issued.api_key, by=alice).revoked_at is not None


class TestApiKeyRateLimit:
    @pytest.fixture
    def erp(self, alice, mould):
        return services.api_key_create(by=alice, name="用友 U8", scope="write", brains=[mould]).api_key

    def test_a_platform_admin_sets_it_and_the_change_is_audited(self, erp, root, caplog,
                                                                django_capture_on_commit_callbacks):
        with caplog.at_level("INFO", logger="industry_brain.audit"), \
                django_capture_on_commit_callbacks(execute=True):
            changed = services.api_key_set_rate_limit(api_key=erp, rate_limit_per_minute=1200, by=root)
        assert changed.rate_limit_per_minute == 1200
        assert ApiKey.objects.get(pk=erp.pk).rate_limit_per_minute == 1200
        [change] = RateLimitChange.objects.all()
        assert (change.api_key_id, change.old_limit, change.new_limit, change.changed_by) == (erp.pk, 600, 1200, root)
        [line] = [r.getMessage() for r in caplog.records if "rate limit" in r.getMessage()]
        assert "600 -> 1200" in line and f"user={root.pk}" in line and erp.prefix in line

    def test_the_same_limit_again_changes_and_records_nothing(self, erp, root):
        services.api_key_set_rate_limit(api_key=erp, rate_limit_per_minute=600, by=root)
        assert not RateLimitChange.objects.exists()

    @pytest.mark.parametrize("who", ["alice", "bob", "charlie", "olga"])
    def test_nobody_else_may_set_it_not_even_for_their_own_key(self, erp, who, request):
        user = request.getfixturevalue(who)
        with pytest.raises(NotAllowed) as error:
            services.api_key_set_rate_limit(api_key=erp, rate_limit_per_minute=100_000, by=user)
        assert error.value.status == 403
        assert ApiKey.objects.get(pk=erp.pk).rate_limit_per_minute == 600 and not RateLimitChange.objects.exists()

    @pytest.mark.parametrize("value", [0, -1, 100_001, 10**12, 2.5, "60", None, True])
    def test_a_value_out_of_range_or_not_a_whole_number_is_refused_and_changes_nothing(self, erp, root, value):
        with pytest.raises(DomainError) as error:
            services.api_key_set_rate_limit(api_key=erp, rate_limit_per_minute=value, by=root)
        assert (error.value.code, error.value.field) == ("invalid", "rate_limit_per_minute")
        assert "1" in error.value.detail and "100000" in error.value.detail
        assert ApiKey.objects.get(pk=erp.pk).rate_limit_per_minute == 600 and not RateLimitChange.objects.exists()

    @pytest.mark.parametrize("value", [1, 100_000])
    def test_the_bounds_themselves_are_allowed(self, erp, root, value):
        assert services.api_key_set_rate_limit(api_key=erp, rate_limit_per_minute=value,
                                               by=root).rate_limit_per_minute == value

    def test_a_revoked_key_cannot_be_changed(self, erp, alice, root):
        services.api_key_revoke(api_key=erp, by=alice)
        with pytest.raises(DomainError) as error:
            services.api_key_set_rate_limit(api_key=erp, rate_limit_per_minute=5, by=root)
        assert error.value.code == "invalid_state"
        assert ApiKey.objects.get(pk=erp.pk).rate_limit_per_minute == 600


def test_a_credit_code_with_a_wrong_check_character_cannot_be_saved(db):
    enterprise = Enterprise(credit_code="91110000802100433C", legal_name="错误", region_code="110000")
    with pytest.raises(Exception):
        enterprise.full_clean()


@pytest.mark.django_db(transaction=True)
def test_two_operators_deciding_at_once_decide_once(mould, charlie, charlie_ent, olga, in_brain):
    from tenants.models import BrainStaff

    second = make_user("oscar")
    with in_brain(mould):
        BrainStaff.objects.create(brain=mould, user=second, role=BrainStaff.Role.OPERATOR)
    membership = services.membership_apply(brain=mould, enterprise=charlie_ent, roles=["supplier"], by=charlie)

    def decide(decision, by):
        try:
            services.membership_decide(membership=membership, decision=decision, by=by)
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
        services.membership_decide(membership=membership, decision="explode", by=olga)


def test_a_rejected_applicant_cannot_be_verified(mould, charlie, charlie_ent, olga, in_brain):
    membership = services.membership_apply(brain=mould, enterprise=charlie_ent, roles=["supplier"], by=charlie)
    with in_brain(mould):
        services.membership_decide(membership=membership, decision="reject", by=olga)
    with pytest.raises(DomainError):
        services.enterprise_verify(membership=membership, by=olga)
    charlie_ent.refresh_from_db()
    assert not charlie_ent.verified
