"""Policy matching (政策直达): the rule vocabulary, decisions explained field by field, matching on publish and on
file changes, telling the eligible once, and who sees which decision."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.db.models.signals import post_save
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from brain import eligibility
from brain.models import Policy, PolicyMatch, PublicRecord
from brain.selectors.policies import match_explanation
from brain.services import enterprise_files, policies, tags
from capacity.services import profiles
from conftest import api_as, join, make_enterprise, make_user, wait_for
from tenants.context import brain_context
from tenants.errors import DomainError, NotAllowed
from tenants.models import BrainStaff, Membership, Notification, OutboxEvent
from tenants.outbox import SUBSCRIBERS
from tenants.services import memberships as tenant_services
from tests.support import race

AS_OF = "2026-03-01T08:00:00+08:00"


def fact(value, source=None, as_of=AS_OF):
    return {"v": value, "t": as_of, "s": source, "p": 0}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def registration(enterprise, source, **values):
    code = enterprise.credit_code
    record, _ = PublicRecord.objects.update_or_create(
        credit_code=code, record_type="registration", record_id=code,
        defaults={"facts": {name: fact(value, source.pk) for name, value in values.items()}})
    return record


@pytest.fixture
def hongda(mould, registry_source):
    """A small high-tech CNC shop in Huangyan with its size figures on record."""
    enterprise = make_enterprise(21, "台州市黄岩宏达精密机械加工厂", region="331003")
    join(mould, enterprise, roles=("supplier",))
    registration(enterprise, registry_source, region_code="331003", registered_capital="500万元人民币",
                 employees="85", annual_revenue="3200万元", founded_on="2012-05-18", status="存续", high_tech="是")
    return make_user("hongda", enterprise=enterprise, email="wang@hongda.example.cn")


@pytest.fixture
def dongfang(mould, registry_source):
    """A Wenling plant with no size figures on record."""
    enterprise = make_enterprise(22, "温岭市东方精工模具厂", region="331081")
    join(mould, enterprise, roles=("supplier", "buyer"))
    registration(enterprise, registry_source, region_code="331081", founded_on="2020-01-02", status="存续")
    return make_user("dongfang", enterprise=enterprise)


def retag(brain, *users):
    for user in users:
        tags.enterprise_tags_recompute(brain=brain, enterprise_id=user.enterprise_id)


HUANGYAN_HIGH_TECH_SME = [
    {"field": "region", "op": "within", "value": ["331003"]},
    {"field": "tags", "op": "has_any", "value": ["high_tech", "specialised_sme"]},
    {"field": "size_class", "op": "in", "value": ["small", "medium"]},
]


def new_policy(brain, by, rules=None, **overrides):
    values = {"title": "黄岩区中小企业数字化改造补助", "issuer": "台州市黄岩区经济和信息化局",
              "document_number": "黄经信〔2026〕12号", "summary": "对区内高新技术中小企业的数字化改造给予补助。",
              "benefit": "按投资额10%补助，最高200万元", "apply_by": timezone.localdate() + timedelta(days=30),
              "rules": rules or HUANGYAN_HIGH_TECH_SME, **overrides}
    return policies.policy_create(brain=brain, by=by, **values)


def published(brain, by, rules=None, **overrides):
    policy = policies.policy_publish(policy=new_policy(brain, by, rules, **overrides), by=by)
    policies.policy_match(brain_id=brain.pk, policy_id=policy.pk)
    return policy


def match_of(brain, policy, user):
    with brain_context(brain.pk):
        return PolicyMatch.objects.get(policy=policy, enterprise_id=user.enterprise_id)


def eligible_events(brain):
    with brain_context(brain.pk):
        return list(OutboxEvent.objects.in_brain(brain).filter(name="policy.eligible").values_list(
            "payload__enterprise", flat=True))


class TestTheVocabulary:
    @pytest.mark.parametrize(("code", "covers", "misses"), [
        ("330000", ["331003", "331081", "330206"], ["320505"]),  # Zhejiang
        ("331000", ["331003", "331081"], ["330206"]),  # Taizhou
        ("331003", ["331003"], ["331004", "331081"]),  # Huangyan only
    ])
    def test_region_codes_nest(self, code, covers, misses):
        prefix = eligibility.region_prefix(code)
        assert all(c.startswith(prefix) for c in covers) and not any(c.startswith(prefix) for c in misses)

    @pytest.mark.parametrize(("text", "wan"), [
        ("500万元人民币", Decimal("500")), ("1.2亿", Decimal("12000.0")), ("3000000元", Decimal("300")),
        ("500", Decimal("500")), ("1,050.5万", Decimal("1050.5")), ("3000千元", Decimal("300.0")),
        ("50万美元", None), ("100万澳元", None), ("80万港元", None), ("30万美金", None), ("待定", None),
    ])
    def test_amounts_are_read_in_10000_yuan(self, text, wan):
        assert eligibility.amount_in_wan(text) == wan

    @pytest.mark.parametrize(("employees", "revenue", "size"), [
        (1200, 50000, "large"), (1200, 30000, "medium"), (350, 2500, "medium"), (85, 3200, "small"),
        (85, 200, "micro"), (12, None, "micro"), (None, 100, "micro"), (85, None, None), (None, None, None),
    ])
    def test_size_classes_follow_the_2011_standard_for_industry(self, employees, revenue, size):
        as_decimal = (lambda v: None if v is None else Decimal(v))
        assert eligibility.size_class(as_decimal(employees), as_decimal(revenue)) == size

    @pytest.mark.parametrize(("rules", "message"), [
        ([], "at least one eligibility rule"),
        ([{"field": "colour", "op": "in", "value": ["red"]}], "Unknown field “colour”"),
        ([{"field": "region", "op": "gte", "value": 3}], "“region” takes the operators within, not_within"),
        ([{"field": "region", "op": "within", "value": ["3310"]}], "“region” does not know 3310"),
        ([{"field": "tags", "op": "has_any", "value": ["hi_tech"]}], "“tags” does not know hi_tech"),
        ([{"field": "employees", "op": "gte", "value": -1}], "“employees” needs a number from 0 to 1000000000000"),
        ([{"field": "employees", "op": "gte", "value": True}], "needs a number from 0"),
        ([{"field": "employees", "op": "gte", "value": "1e999999999"}], "needs a number from 0"),
        ([{"field": "rating", "op": "gte", "value": 6}], "“rating” needs a number from 0 to 5"),
        ([{"field": "on_time_rate", "op": "gte", "value": 101}], "“on_time_rate” needs a number from 0 to 100"),
        ([{"field": ["region"], "op": "within", "value": ["331003"]}], "Unknown field “['region']”"),
        ([{"field": "region", "op": ["within"], "value": ["331003"]}], "“region” takes the operators"),
        ([{"field": "size_class", "op": "in", "value": []}], "needs a list of values"),
        ([{"field": "region", "op": "within", "value": ["331003"], "extra": 1}], "A rule is"),
    ])
    def test_a_bad_rule_is_named_with_what_is_wrong(self, rules, message):
        with pytest.raises(eligibility.RuleError) as error:
            eligibility.rules_clean(rules)
        assert message in error.value.message

    def test_rules_are_stored_clean(self):
        assert eligibility.rules_clean([
            {"field": "region", "op": "within", "value": "331003, 331004，331003"},
            {"field": "employees", "op": "lte", "value": "300.0"},
        ]) == [{"field": "region", "op": "within", "value": ["331003", "331004"]},
               {"field": "employees", "op": "lte", "value": "300"}]

    def test_a_status_is_one_phrase_even_with_enumeration_commas(self):
        assert eligibility.rules_clean([{"field": "status", "op": "in", "value": "存续（在营、开业、在册）, 在业"}]) == [
            {"field": "status", "op": "in", "value": ["存续（在营、开业、在册）", "在业"]}]


class TestDecisions:
    def test_an_enterprise_meeting_every_rule_is_eligible_and_each_check_says_why(self, mould, olga, hongda):
        retag(mould, hongda)
        policy = published(mould, olga)
        match = match_of(mould, policy, hongda)
        assert match.outcome == "eligible" and match.notified_at is not None
        checks = {c.field: c for c in match_explanation(match)}
        assert checks["region"].requirement == "region is within 331003 Huangyan District"
        assert checks["region"].found == "331003 Huangyan District"
        assert checks["region"].source == "市场监管局企业登记信息"
        assert checks["region"].as_of == "2026-03-01"
        assert checks["tags"].found == "High-tech enterprise" and checks["tags"].source == "the brain's tag rules"
        assert checks["size_class"].found == "small (insured employees 85, annual revenue 3200万元)"
        assert {c.outcome_label for c in checks.values()} == {"met"}

    def test_one_failed_rule_makes_it_not_eligible_and_missing_data_undetermined(self, mould, olga, hongda,
                                                                                  dongfang):
        retag(mould, hongda, dongfang)
        rules = [{"field": "region", "op": "within", "value": ["331000"]},  # all of Taizhou
                 {"field": "size_class", "op": "in", "value": ["small", "medium"]}]
        policy = published(mould, olga, rules)
        assert match_of(mould, policy, dongfang).outcome == "undetermined"
        size = match_explanation(match_of(mould, policy, dongfang))[1]
        assert size.outcome == "unknown"
        assert size.found == ("unknown: the insured employees and the annual revenue are both needed "
                              "(insured employees —, annual revenue —)")
        stricter = published(mould, olga, [*rules, {"field": "region", "op": "not_within", "value": ["331081"]}],
                             title="黄岩、路桥专项")
        assert match_of(mould, stricter, dongfang).outcome == "not_eligible"  # a failure outweighs the unknown
        assert [c["outcome"] for c in match_of(mould, stricter, dongfang).checks] == ["met", "unknown", "not_met"]
        assert match_of(mould, stricter, hongda).outcome == "eligible"

    def test_the_explanation_is_in_the_readers_language(self, mould, olga, hongda):
        retag(mould, hongda)
        match = match_of(mould, published(mould, olga), hongda)
        with translation.override("zh-hans"):
            chinese = match_explanation(match)
        english = match_explanation(match)
        assert chinese[0].requirement == "所属地区 属于 331003 黄岩区"
        assert english[0].requirement == "region is within 331003 Huangyan District"
        assert chinese[1].source != english[1].source  # our own words, translated on reading

    def test_numbers_platform_facts_and_years_are_compared(self, mould, olga, hongda):
        rules = [{"field": "registered_capital", "op": "gte", "value": 300},
                 {"field": "founded_years", "op": "gte", "value": 5},
                 {"field": "on_time_rate", "op": "gte", "value": 90},
                 {"field": "roles", "op": "has_any", "value": ["supplier"]}]
        policy = published(mould, olga, rules)
        match = match_of(mould, policy, hongda)
        assert [c["outcome"] for c in match.checks] == ["met", "met", "unknown", "met"]
        views = match_explanation(match)
        today = timezone.localdate()
        years = today.year - 2012 - ((today.month, today.day) < (5, 18))
        assert views[1].found == f"{years} years (founded 2012-05-18)"
        assert views[2].found == "unknown: no completed work on the platform yet"
        assert views[3].found == "supplier" and views[3].source == "membership"


    @pytest.mark.parametrize(("founded", "why"), [("去年", "not a date: 去年"), ("2001-02-30", "not a date: 2001-02-30"),
                                                  ("20011399", "not a date: 20011399")])
    def test_a_value_that_cannot_be_read_is_unknown_with_the_reason(self, mould, olga, hongda, registry_source,
                                                                    founded, why):
        registration(hongda.enterprise, registry_source, registered_capital="50万美元", employees="NaN",
                     founded_on=founded, region_code="浙江省台州市", industry="制造业")
        with brain_context(mould.pk):
            PublicRecord.objects.create(credit_code=hongda.enterprise.credit_code, record_type="tax_credit",
                                        record_id="2025", facts={"rating": fact("D级"), "year": fact("2025")})
        policy = published(mould, olga, [{"field": "registered_capital", "op": "gte", "value": 10},
                                         {"field": "employees", "op": "gte", "value": 10},
                                         {"field": "founded_years", "op": "gte", "value": 1},
                                         # held values that are not codes must not pass a negative rule
                                         {"field": "region", "op": "not_within", "value": ["331081"]},
                                         {"field": "industry", "op": "not_within", "value": ["F"]},
                                         {"field": "tax_credit", "op": "not_in", "value": ["D"]}])
        match = match_of(mould, policy, hongda)  # one unreadable member does not stop the run
        assert match.outcome == "undetermined"
        assert [c.found for c in match_explanation(match)] == [
            "unknown: not an amount in yuan: 50万美元", "unknown: not a number: NaN", f"unknown: {why}",
            "unknown: not a code: 浙江省台州市", "unknown: not a code: 制造业", "unknown: not a code: D级"]

    def test_a_wider_region_on_file_is_unknown_for_a_narrower_rule(self, mould, olga, hongda, registry_source):
        registration(hongda.enterprise, registry_source, region_code="331000")  # only "Taizhou"
        policy = published(mould, olga, [{"field": "region", "op": "not_within", "value": ["331003"]},
                                         {"field": "region", "op": "within", "value": ["330000"]},
                                         {"field": "region", "op": "within", "value": ["331003", "331000"]},
                                         {"field": "region", "op": "within", "value": ["330200"]}])
        assert [c["outcome"] for c in match_of(mould, policy, hongda).checks] == [
            "unknown", "met", "met", "not_met"]  # inside 331000 whatever the rest; Ningbo is elsewhere
        assert match_explanation(match_of(mould, policy, hongda))[0].found == (
            "unknown: the file names only a wider region: 331000")


class TestMatching:
    def test_publishing_matches_every_active_member_and_tells_the_eligible_once(self, mould, olga, alice, hongda,
                                                                               dongfang):
        retag(mould, hongda, dongfang)
        policy = policies.policy_publish(policy=new_policy(mould, olga), by=olga)
        counts = policies.policy_match(brain_id=mould.pk, policy_id=policy.pk)
        assert counts == {"eligible": 1, "not_eligible": 2, "undetermined": 0}  # alice's enterprise: no record
        assert policies.policy_match(brain_id=mould.pk, policy_id=policy.pk) == counts
        assert eligible_events(mould) == [hongda.enterprise_id]  # the second run tells nobody again

    def test_two_matchings_at_once_tell_once(self, transactional_db, mould, olga, hongda):
        retag(mould, hongda)
        policy = policies.policy_publish(policy=new_policy(mould, olga), by=olga)
        results = race(*[lambda: policies.policy_match(brain_id=mould.pk, policy_id=policy.pk)] * 2)
        assert [r for r in results if isinstance(r, Exception)] == []
        assert eligible_events(mould) == [hongda.enterprise_id]
        with brain_context(mould.pk):
            assert PolicyMatch.objects.filter(policy=policy).count() == 1

    def test_each_member_is_decided_in_its_own_transaction(self, transactional_db, mould, olga, hongda, dongfang):
        """A long run must not hold every member's lock until it ends: when the second member is decided, the first
        one's decision is already committed, as another connection sees."""

        policy = policies.policy_publish(policy=new_policy(mould, olga), by=olga)
        seen_by_another_connection = []

        def count_committed():
            with brain_context(mould.pk):
                seen_by_another_connection.append(PolicyMatch.objects.filter(policy=policy).count())
            connection.close()

        def on_save(sender, instance, created, **kwargs):
            if created and instance.enterprise_id == dongfang.enterprise_id:
                reader = threading.Thread(target=count_committed)
                reader.start()
                reader.join()

        post_save.connect(on_save, sender=PolicyMatch)
        try:
            policies.policy_match(brain_id=mould.pk, policy_id=policy.pk)
        finally:
            post_save.disconnect(on_save, sender=PolicyMatch)
        assert hongda.enterprise_id < dongfang.enterprise_id  # members are decided in id order
        assert seen_by_another_connection == [1]

    def test_a_withdrawal_during_a_run_stops_it_and_nobody_after_is_told(self, transactional_db, mould, olga, hongda,
                                                                       dongfang):
        """The operator withdraws while the run is deciding the first member: the withdrawal waits for that one
        decision, and the run decides and tells nobody after it."""

        policy = policies.policy_publish(policy=new_policy(mould, olga, [
            {"field": "region", "op": "within", "value": ["331000"]}]), by=olga)  # both would be eligible
        withdrawer = threading.Thread(target=lambda: (
            policies.policy_withdraw(policy=policy, by=olga, reason="资金已用完"), connection.close()))

        def on_save(sender, instance, created, **kwargs):
            if created and not withdrawer.is_alive() and withdrawer.ident is None:
                withdrawer.start()

                def withdrawal_waits():  # for this decision's share lock on the policy
                    with connection.cursor() as cursor:
                        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
                        return cursor.fetchone()[0]

                assert wait_for(withdrawal_waits, timeout=10)

        post_save.connect(on_save, sender=PolicyMatch)
        try:
            counts = policies.policy_match(brain_id=mould.pk, policy_id=policy.pk)
        finally:
            post_save.disconnect(on_save, sender=PolicyMatch)
            withdrawer.join(timeout=10)
        assert counts["eligible"] == 1 and eligible_events(mould) == [hongda.enterprise_id]
        with brain_context(mould.pk):
            assert Policy.objects.get(pk=policy.pk).status == "withdrawn"
            assert not PolicyMatch.objects.filter(enterprise=dongfang.enterprise).exists()

    def test_new_rules_re_match_and_tell_only_the_newly_eligible(self, mould, olga, hongda, dongfang):
        retag(mould, hongda, dongfang)
        policy = published(mould, olga)
        assert match_of(mould, policy, dongfang).outcome == "not_eligible"
        changed = policies.policy_update(policy=policy, by=olga, rules=[
            {"field": "region", "op": "within", "value": ["331000"]}])
        assert changed.rules_version == 2
        policies.policy_match(brain_id=mould.pk, policy_id=policy.pk)
        assert match_of(mould, policy, dongfang).outcome == "eligible"
        assert match_of(mould, policy, dongfang).rules_version == 2
        assert sorted(eligible_events(mould)) == sorted([hongda.enterprise_id, dongfang.enterprise_id])

    def test_a_change_of_the_file_re_decides_the_enterprise(self, mould, olga, dongfang, registry_source):
        policy = published(mould, olga, [{"field": "tags", "op": "has_all", "value": ["process:CNC"]}])
        assert match_of(mould, policy, dongfang).outcome == "not_eligible"
        profiles.profile_save(brain=mould, by=dongfang, capacities=[
            {"process": "CNC", "weekly_free_hours": Decimal("40")}], materials=[])
        enterprise_files.enterprise_file_changed(brain=mould, enterprise_id=dongfang.enterprise_id)  # the task's work
        assert match_of(mould, policy, dongfang).outcome == "eligible"
        assert eligible_events(mould) == [dongfang.enterprise_id]

    def test_an_admitted_member_is_decided_against_the_open_policies(self, mould, olga, registry_source):
        """The wiring: `membership.admitted` is handed to a task that decides the new member (run here as the
        worker would run it)."""

        policy = published(mould, olga, [{"field": "region", "op": "within", "value": ["331000"]}])
        newcomer = make_enterprise(31, "台州市黄岩恒通热处理有限公司")
        membership = join(mould, newcomer, roles=("supplier",), status=Membership.Status.APPLIED)
        registration(newcomer, registry_source, region_code="331003")
        tenant_services.membership_decide(membership=membership, decision="admit", by=olga)
        with brain_context(mould.pk):
            event = OutboxEvent.objects.get(name="membership.admitted")
        handlers = [name for name, _queue in SUBSCRIBERS["membership.admitted"] if name.startswith("brain.")]
        assert handlers == ["brain.tasks.recompute_enterprise_tags"]
        import_string(handlers[0])(mould.pk, event.pk)
        assert match_of(mould, policy, make_user("hengtong", enterprise=newcomer)).outcome == "eligible"
        assert eligible_events(mould) == [newcomer.pk]

    def test_an_unchanged_decision_is_not_written_again(self, mould, olga, hongda):
        retag(mould, hongda)
        policy = published(mould, olga)
        before = match_of(mould, policy, hongda)
        policies.policies_match_enterprise(brain=mould, enterprise_id=hongda.enterprise_id)
        after = match_of(mould, policy, hongda)
        assert (after.evaluated_at, after.updated_at) == (before.evaluated_at, before.updated_at)

    def test_suspended_members_and_closed_policies_are_not_matched(self, mould, olga, hongda):
        retag(mould, hongda)
        with brain_context(mould.pk):
            Membership.objects.filter(enterprise=hongda.enterprise).update(status=Membership.Status.SUSPENDED)
        policy = published(mould, olga)
        with brain_context(mould.pk):
            assert not PolicyMatch.objects.filter(policy=policy, enterprise=hongda.enterprise).exists()
            Membership.objects.filter(enterprise=hongda.enterprise).update(status=Membership.Status.ACTIVE)
            Policy.objects.filter(pk=policy.pk).update(apply_by=timezone.localdate() - timedelta(days=1))
        assert policies.policy_match(brain_id=mould.pk, policy_id=policy.pk)["eligible"] == 0
        assert policies.policies_match_enterprise(brain=mould, enterprise_id=hongda.enterprise_id) == []


class TestTheLifecycle:
    def test_only_operators_write_policies(self, mould, olga, alice):
        with pytest.raises(NotAllowed):
            new_policy(mould, alice)
        policy = new_policy(mould, olga)
        for attempt in (lambda: policies.policy_publish(policy=policy, by=alice),
                        lambda: policies.policy_update(policy=policy, by=alice, title="x"),
                        lambda: policies.policy_preview(brain=mould, by=alice, rules=HUANGYAN_HIGH_TECH_SME)):
            with pytest.raises(NotAllowed):
                attempt()

    def test_bad_input_is_refused_and_changes_nothing(self, mould, olga):
        with pytest.raises(DomainError) as error:
            new_policy(mould, olga, [{"field": "region", "op": "within", "value": ["331003"]},
                                     {"field": "employees", "op": "gte", "value": "many"}])
        assert error.value.field == "rules" and error.value.detail.startswith("Rule 2: ")
        with pytest.raises(DomainError) as error:
            new_policy(mould, olga, apply_by=timezone.localdate() - timedelta(days=1))
        assert error.value.code == "deadline_passed"
        with pytest.raises(DomainError) as error:
            new_policy(mould, olga, title="  ")
        assert error.value.field == "title"
        policy = new_policy(mould, olga)
        with pytest.raises(DomainError):
            policies.policy_update(policy=policy, by=olga, rules=[{"field": "nope"}], title="新标题")
        with brain_context(mould.pk):
            assert Policy.objects.count() == 1 and Policy.objects.get().title == "黄岩区中小企业数字化改造补助"

    def test_publish_once_withdraw_with_a_reason(self, mould, olga):
        policy = policies.policy_publish(policy=new_policy(mould, olga), by=olga)
        with pytest.raises(DomainError) as error:
            policies.policy_publish(policy=policy, by=olga)
        assert error.value.code == "invalid_state"
        with pytest.raises(DomainError):
            policies.policy_withdraw(policy=policy, by=olga, reason=" ")
        withdrawn = policies.policy_withdraw(policy=policy, by=olga, reason="资金已用完")
        assert withdrawn.status == "withdrawn" and withdrawn.withdraw_reason == "资金已用完"
        with pytest.raises(DomainError):
            policies.policy_update(policy=withdrawn, by=olga, title="再改")

    def test_a_draft_past_its_deadline_cannot_be_published(self, mould, olga):
        policy = new_policy(mould, olga)
        with brain_context(mould.pk):
            Policy.objects.filter(pk=policy.pk).update(apply_by=timezone.localdate() - timedelta(days=1))
        with pytest.raises(DomainError) as error:
            policies.policy_publish(policy=policy, by=olga)
        assert error.value.code == "deadline_passed"

    def test_preview_counts_what_each_rule_rules_out_and_stores_nothing(self, mould, olga, hongda, dongfang):
        retag(mould, hongda, dongfang)
        preview = policies.policy_preview(brain=mould, by=olga, rules=HUANGYAN_HIGH_TECH_SME)
        assert preview.members == 2 and preview.counts == {"eligible": 1, "not_eligible": 1, "undetermined": 0}
        assert preview.failed_by_rule == [1, 1, 0]  # dongfang is in Wenling and has no tag…
        assert preview.unknown_by_rule == [0, 0, 1]  # …and no size figures on record
        assert preview.eligible == [(hongda.enterprise_id, "台州市黄岩宏达精密机械加工厂")]
        with brain_context(mould.pk):
            assert not PolicyMatch.objects.exists()


class TestTelling:
    def test_the_eligible_enterprise_is_told_in_app_and_by_mail_and_told_of_a_withdrawal(self, mould, olga, hongda,
                                                                                       dongfang):
        retag(mould, hongda, dongfang)
        policy = published(mould, olga)
        with brain_context(mould.pk):
            event = OutboxEvent.objects.get(name="policy.eligible")
        policies.notifications_from_event(brain_id=mould.pk, event_id=event.pk)
        policies.notifications_from_event(brain_id=mould.pk, event_id=event.pk)  # a redelivery
        with brain_context(mould.pk):
            told = list(Notification.objects.filter(kind="policy.eligible").values_list("user_id", flat=True))
        assert told == [hongda.pk]
        assert [m.to for m in mail.outbox] == [["wang@hongda.example.cn"]]
        policies.policy_withdraw(policy=policy, by=olga, reason="资金已用完")
        with brain_context(mould.pk):
            event = OutboxEvent.objects.get(name="policy.withdrawn")
        made = policies.notifications_from_event(brain_id=mould.pk, event_id=event.pk)
        assert [n.user_id for n in made] == [hongda.pk]
        assert made[0].title == "黄岩区中小企业数字化改造补助 was withdrawn" and made[0].body == "资金已用完"


    def test_two_workers_handling_one_event_at_once_send_one_mail(self, transactional_db, mould, olga, hongda):
        retag(mould, hongda)
        published(mould, olga)
        with brain_context(mould.pk):
            event = OutboxEvent.objects.get(name="policy.eligible")
        results = race(*[lambda: policies.notifications_from_event(brain_id=mould.pk, event_id=event.pk)] * 2)
        assert [r for r in results if isinstance(r, Exception)] == []
        assert [m.to for m in mail.outbox] == [["wang@hongda.example.cn"]]
        with brain_context(mould.pk):
            assert Notification.objects.filter(event=event).count() == 1

    def test_without_a_deadline_the_title_says_none(self, mould, olga, hongda):
        retag(mould, hongda)
        published(mould, olga, apply_by=None)
        with brain_context(mould.pk):
            event = OutboxEvent.objects.get(name="policy.eligible")
        made = policies.notifications_from_event(brain_id=mould.pk, event_id=event.pk)
        assert [n.title for n in made] == ["Your enterprise is eligible for 黄岩区中小企业数字化改造补助"]

    def test_nobody_is_told_of_a_withdrawn_policy(self, mould, olga, hongda):
        policy = policies.policy_publish(policy=new_policy(mould, olga), by=olga)
        policies.policy_withdraw(policy=policy, by=olga, reason="资金已用完")
        retag(mould, hongda)
        # a matching that was queued before the withdrawal, and a file change after it
        assert policies.policy_match(brain_id=mould.pk, policy_id=policy.pk)["eligible"] == 0
        assert policies.policies_match_enterprise(brain=mould, enterprise_id=hongda.enterprise_id) == []
        assert eligible_events(mould) == []

    def test_a_message_still_queued_when_the_policy_is_withdrawn_is_not_sent(self, mould, olga, hongda):
        retag(mould, hongda)
        policy = published(mould, olga)
        policies.policy_withdraw(policy=policy, by=olga, reason="资金已用完")
        with brain_context(mould.pk):
            event = OutboxEvent.objects.get(name="policy.eligible")
        assert policies.notifications_from_event(brain_id=mould.pk, event_id=event.pk) == []
        assert mail.outbox == []


class TestWhoSeesWhat:
    def test_members_read_published_policies_and_only_their_own_decision(self, mould, olga, hongda, dongfang):
        retag(mould, hongda, dongfang)
        draft = new_policy(mould, olga, title="草稿")
        policy = published(mould, olga)
        api = api_as(dongfang)
        listed = api.get(reverse("policy-list", kwargs={"brain_slug": mould.slug})).json()["results"]
        assert [p["id"] for p in listed] == [policy.pk]  # not the draft
        assert listed[0]["my_outcome"] == "not_eligible" and listed[0]["counts"] is None
        assert api.get(reverse("policy-detail", kwargs={"brain_slug": mould.slug, "pk": draft.pk})).status_code == 404
        matches = api.get(reverse("policy-match-list", kwargs={"brain_slug": mould.slug})).json()["results"]
        assert [m["enterprise"] for m in matches] == [dongfang.enterprise_id]
        theirs = match_of(mould, policy, hongda)
        url = reverse("policy-match-detail", kwargs={"brain_slug": mould.slug, "pk": theirs.pk})
        assert api.get(url).status_code == 404
        mine = api.get(reverse("policy-match-detail", kwargs={"brain_slug": mould.slug,
                                                               "pk": match_of(mould, policy, dongfang).pk})).json()
        assert [c["outcome"] for c in mine["explanation"]] == ["not_met", "not_met", "unknown"]
        assert mine["explanation"][0]["found"].startswith("331081 ")  # the code with its name

    def test_operators_see_every_decision_and_the_counts(self, mould, olga, hongda, dongfang):
        retag(mould, hongda, dongfang)
        policy = published(mould, olga)
        api = api_as(olga)
        detail = api.get(reverse("policy-detail", kwargs={"brain_slug": mould.slug, "pk": policy.pk}),
                         HTTP_ACCEPT_LANGUAGE="en").json()
        assert detail["counts"] == {"eligible": 1, "not_eligible": 1, "undetermined": 0, "told": 1}
        assert detail["rule_texts"][0] == "region is within 331003 Huangyan District"
        url = reverse("policy-match-list", kwargs={"brain_slug": mould.slug})
        assert len(api.get(url, {"policy": policy.pk}).json()["results"]) == 2
        assert [m["enterprise"] for m in api.get(url, {"outcome": "eligible"}).json()["results"]] == [
            hongda.enterprise_id]

    def test_government_viewers_see_policies_and_counts_but_no_decision(self, mould, olga, hongda):
        viewer = make_user("gov")
        with brain_context(mould.pk):
            BrainStaff.objects.create(brain=mould, user=viewer, role=BrainStaff.Role.GOVERNMENT_VIEWER)
        policy = published(mould, olga)
        api = api_as(viewer)
        listed = api.get(reverse("policy-list", kwargs={"brain_slug": mould.slug})).json()["results"]
        assert [p["id"] for p in listed] == [policy.pk] and listed[0]["counts"]["not_eligible"] >= 1
        assert api.get(reverse("policy-match-list", kwargs={"brain_slug": mould.slug})).json()["results"] == []
        create = api.post(reverse("policy-list", kwargs={"brain_slug": mould.slug}), {
            "title": "x", "issuer": "y", "summary": "z", "rules": HUANGYAN_HIGH_TECH_SME}, format="json")
        assert create.status_code == 403


def test_publishing_over_the_api_goes_through_a_worker_to_the_eligible_enterprises_inbox(mould, olga, hongda,
                                                                                          dongfang, celery_worker):
    """The whole flow with real parts: the API publishes, the outbox hands `policy.published` to a Celery worker
    that matches every member, and `policy.eligible` to one that tells hongda (in-app and by e-mail), nobody else.
    Then hongda's capability profile changes; the worker re-decides it and tells it nothing twice."""

    retag(mould, hongda, dongfang)
    api = api_as(olga)
    base = {"brain_slug": mould.slug}
    made = api.post(reverse("policy-list", kwargs=base), {
        "title": "黄岩区中小企业数字化改造补助", "issuer": "台州市黄岩区经济和信息化局", "summary": "补助。",
        "apply_by": (timezone.localdate() + timedelta(days=30)).isoformat(), "rules": HUANGYAN_HIGH_TECH_SME},
        format="json")
    assert made.status_code == 201, made.json()
    assert api.post(reverse("policy-publish", kwargs={**base, "pk": made.json()["id"]})).status_code == 200

    def told():
        with brain_context(mould.pk):
            return list(Notification.objects.filter(kind="policy.eligible").values_list("user_id", flat=True))

    assert wait_for(told, timeout=30) == [hongda.pk]
    detail = api.get(reverse("policy-detail", kwargs={**base, "pk": made.json()["id"]})).json()
    assert detail["counts"]["eligible"] == 1 and detail["counts"]["not_eligible"] == 1
    assert detail["matched_at"] is not None
    profiles.profile_save(brain=mould, by=hongda, capacities=[{"process": "CNC", "weekly_free_hours": Decimal("40")}],
                          materials=[])

    def retagged():
        with brain_context(mould.pk):
            match = PolicyMatch.objects.get(enterprise=hongda.enterprise)
            return any(c["field"] == "tags" and "process:CNC" in c.get("actual", []) for c in match.checks)

    assert wait_for(retagged, timeout=30)
    assert told() == [hongda.pk]
