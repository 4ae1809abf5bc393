"""The government-data and policy demo: every outcome is there, and a second load changes nothing."""

import pytest

from brain import demo as brain_demo
from brain.models import DataSource, EnterpriseTag, Policy, PolicyMatch, PublicRecord
from tenants import demo as tenants_demo
from tenants.context import brain_context, cross_brain


def load():
    loaded = tenants_demo.load()
    brain_demo.load(brains=loaded["brains"], users=loaded["users"])
    return loaded


def snapshot() -> dict:
    with cross_brain(reason="test assertion"):
        return {
            "sources": sorted(DataSource.objects.values_list("brain__slug", "name")),
            "records": sorted(PublicRecord.objects.values_list("credit_code", "record_type", "record_id", "facts",
                                                               "changed_at")),
            "tags": sorted(EnterpriseTag.objects.values_list("brain_id", "enterprise_id", "code", "computed_at")),
            "policies": sorted(Policy.objects.values_list("brain__slug", "title", "status", "matched_at")),
            "matches": sorted(PolicyMatch.objects.values_list("policy_id", "enterprise_id", "outcome", "evaluated_at",
                                                              "notified_at")),
        }


@pytest.fixture
def demo(db):
    loaded = load()
    first = snapshot()
    load()
    return loaded, first


def test_a_second_load_changes_nothing(demo):
    _loaded, first = demo
    assert snapshot() == first
    assert len(first["sources"]) == 4  # registration and tax, in the mould and pump-valve brains


def test_the_policy_is_published_and_every_outcome_shows(demo):
    loaded, _ = demo
    mould = loaded["brains"]["mould"]
    with brain_context(mould.pk):
        [policy] = Policy.objects.in_brain(mould).all()
        outcomes = {m.enterprise.legal_name: m.outcome
                    for m in PolicyMatch.objects.in_brain(mould).filter(policy=policy).select_related("enterprise")}
    assert policy.status == Policy.Status.PUBLISHED and policy.title == "黄岩区中小企业数字化改造补助"
    assert len(outcomes) == 10  # every active member of the mould brain, decided once
    assert outcomes["台州市黄岩宏达精密机械加工厂"] == "eligible"  # small and high-tech, in Huangyan
    assert outcomes["台州市黄岩精诚模具有限公司"] == "not_eligible"  # large
    assert outcomes["台州市路桥明辉模具配件有限公司"] == "not_eligible"  # in Luqiao
    assert outcomes["台州市黄岩鑫达线切割加工厂"] == "undetermined"  # no size figures on record


def test_records_went_through_the_engine_and_gave_tags(demo):
    loaded, _ = demo
    mould = loaded["brains"]["mould"]
    kaihua = tenants_demo.demo_credit_code(2, "331003")  # 浙江黄岩凯华模具有限公司
    with brain_context(mould.pk):
        registry = DataSource.objects.in_brain(mould).get(record_type="registration")
        tags = set(EnterpriseTag.objects.in_brain(mould).filter(enterprise__credit_code=kaihua).values_list(
            "code", flat=True))
    [record] = PublicRecord.objects.filter(credit_code=kaihua, record_type="registration")
    assert record.values["registered_capital"] == "2000万元人民币" and record.facts["status"]["s"] == registry.pk
    assert {"high_tech", "specialised_sme", "tax_credit_a"} <= tags
