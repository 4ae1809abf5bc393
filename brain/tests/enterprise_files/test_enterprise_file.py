"""The enterprise file (一企一档) and enterprise tags (产业打标): provenance, who sees what, the rules, recompute."""

from datetime import datetime, timezone as dt_timezone
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from brain import tagging
from brain.models import EnterpriseTag, PublicRecord, SyncRun
from brain.selectors import enterprise_files
from brain.services import tags
from brain.tasks import recompute_enterprise_tags, recompute_tags_after_sync
from capacity.models import SupplierProfile
from capacity.services import profiles
from conftest import api_as, join, make_enterprise, make_user
from tenants.access import brain_access
from tenants.context import brain_context
from tenants.models import Membership, OutboxEvent
from tenants.outbox import SUBSCRIBERS, event_record

AS_OF = "2026-03-01T08:00:00+08:00"


def fact(value, source=None, as_of=AS_OF, priority=0):
    return {"v": value, "t": as_of, "s": source, "p": priority}


@pytest.fixture
def shop(mould):
    enterprise = make_enterprise(21, "台州市黄岩宏达精密机械加工厂")
    join(mould, enterprise, roles=("supplier",))
    return make_user("hongda", enterprise=enterprise)


@pytest.fixture(autouse=True)
def _english():
    # The new strings' Chinese is the lead's to write (locale/); English reads the same before and after.
    with translation.override("en"):
        yield


@pytest.fixture
def records(shop, registry_source):
    code = shop.enterprise.credit_code
    PublicRecord.objects.create(credit_code=code, record_type="registration", record_id=code, facts={
        "legal_name": fact("台州市黄岩宏达精密机械加工厂", registry_source.pk),
        "registered_capital": fact("500万元人民币", registry_source.pk),
        "legal_representative": fact("王宏达", registry_source.pk),
        "status": fact("存续", registry_source.pk),
        "enterprise_type": fact("有限责任公司", 999_999),  # a source of another brain
        "high_tech": fact("是", registry_source.pk, "2025-12-01T00:00:00+08:00"),
    })
    PublicRecord.objects.create(credit_code=code, record_type="tax_credit", record_id=f"{code}-2025",
                                facts={"rating": fact("A", registry_source.pk), "year": fact("2025")})
    PublicRecord.objects.create(credit_code=code, record_type="patent", record_id="ZL202310001234.5",
                                facts={"title": fact("一种模具冷却水路"), "kind": fact("发明")})
    return code


def save_profile(brain, user, **values):
    values.setdefault("capacities", [{"process": "CNC", "weekly_free_hours": Decimal("80")}])
    values.setdefault("materials", ["718h", "P20"])
    return profiles.profile_save(brain=brain, by=user, **values)


def file_of(brain, enterprise, viewer):
    with brain_context(brain.pk):
        return enterprise_files.enterprise_file(brain=brain, enterprise=enterprise, viewer=brain_access(
            user=viewer, brain=brain))


def registry_names(file):
    return {f.name: f for f in file.registry}


class TestTheFile:
    def test_it_shows_each_registry_fact_with_its_source_and_as_of(self, mould, shop, records, registry_source):
        file = file_of(mould, shop.enterprise, shop)
        facts = registry_names(file)
        assert file.full
        assert facts["registered_capital"].value == "500万元人民币"
        assert facts["registered_capital"].source == "市场监管局企业登记信息"
        assert facts["registered_capital"].as_of == datetime(2026, 3, 1, tzinfo=dt_timezone.utc).replace(hour=0)
        assert facts["enterprise_type"].source == "a source of another brain"  # not another brain's source name
        assert facts["region_code"].source == "as registered on the platform"
        assert file.tax_credit.rating == "A" and file.tax_credit.year == "2025"
        assert [p.number for p in file.patents] == ["ZL202310001234.5"]

    def test_it_holds_the_platform_facts_of_this_brain(self, mould, shop, records):
        save_profile(mould, shop, certifications=["ISO 9001"])
        with brain_context(mould.pk):
            SupplierProfile.objects.filter(enterprise=shop.enterprise).update(
                on_time_rate=Decimal("0.960"), completed_lines=8, rating=Decimal("4.50"), ratings_count=3)
        platform = file_of(mould, shop.enterprise, shop).platform
        assert platform.roles == ["supplier"] and platform.role_labels
        assert [p.code for p in platform.processes] == ["CNC"] and platform.materials == ["718H", "P20"]
        assert platform.on_time_percent == "96.0" and platform.rating == Decimal("4.50")
        assert platform.orders_won == 0

    def test_operators_see_all_other_members_the_public_part(self, mould, shop, alice, olga, records):
        assert file_of(mould, shop.enterprise, olga).full
        public = file_of(mould, shop.enterprise, alice)
        facts = registry_names(public)
        assert not public.full
        assert "registered_capital" not in facts and "legal_representative" not in facts
        assert facts["legal_name"].value == "台州市黄岩宏达精密机械加工厂" and "status" in facts
        assert public.tax_credit is None
        assert public.platform.orders_won is None  # the delivery record is public (the supplier map shows it)

    def test_a_non_member_and_another_brain_find_nothing(self, mould, pump, shop, charlie, records):
        with pytest.raises(enterprise_files.EnterpriseFileNotFound):
            file_of(mould, shop.enterprise, charlie)
        with pytest.raises(enterprise_files.EnterpriseFileNotFound):  # shop is not in the pump-valve brain
            file_of(pump, shop.enterprise, charlie)

    def test_members_do_not_see_applicants_but_operators_do(self, mould, alice, olga):
        applicant = make_enterprise(22, "玉环市新亚阀门有限公司")
        join(mould, applicant, roles=("supplier",), status=Membership.Status.APPLIED)
        with pytest.raises(enterprise_files.EnterpriseFileNotFound):
            file_of(mould, applicant, alice)
        assert file_of(mould, applicant, olga).full


class TestTagRules:
    def test_the_rules_tag_from_records_and_the_profile(self, mould, shop, records):
        save_profile(mould, shop)
        codes = tags.enterprise_tags_recompute(brain=mould, enterprise_id=shop.enterprise_id)
        assert codes == ["high_tech", "invention_patents", "material:718H", "material:P20", "process:CNC",
                         "tax_credit_a"]
        views = {t.code: t for t in file_of(mould, shop.enterprise, shop).tags}
        assert views["high_tech"].label == "High-tech enterprise"
        assert "市场监管局企业登记信息" in views["high_tech"].explanation and "2025-12-01" in views["high_tech"].explanation
        assert views["process:CNC"].label == "Process: CNC milling"

    @pytest.mark.parametrize(("rate", "lines", "tagged"), [
        ("0.950", 5, True), ("0.949", 20, False), ("1.000", 4, False), (None, 9, False)])
    def test_on_time_needs_95_percent_over_5_lines(self, mould, shop, rate, lines, tagged):
        save_profile(mould, shop)
        with brain_context(mould.pk):
            SupplierProfile.objects.filter(enterprise=shop.enterprise).update(
                on_time_rate=rate and Decimal(rate), completed_lines=lines)
        assert ("on_time" in tags.enterprise_tags_recompute(brain=mould, enterprise_id=shop.enterprise_id)) \
            is tagged

    def test_other_members_see_tags_without_their_evidence(self, mould, shop, alice, records):
        save_profile(mould, shop)
        with brain_context(mould.pk):
            SupplierProfile.objects.filter(enterprise=shop.enterprise).update(on_time_rate=Decimal("0.975"),
                                                                              completed_lines=40)
        tags.enterprise_tags_recompute(brain=mould, enterprise_id=shop.enterprise_id)
        on_time = {t.code: t for t in file_of(mould, shop.enterprise, alice).tags}["on_time"]
        assert "97.5" in on_time.explanation and on_time.evidence == {}

    def test_it_is_idempotent_and_drops_what_no_rule_gives(self, mould, shop, records):
        save_profile(mould, shop)
        tags.enterprise_tags_recompute(brain=mould, enterprise_id=shop.enterprise_id)
        with brain_context(mould.pk):
            first = dict(EnterpriseTag.objects.filter(enterprise=shop.enterprise).values_list("code", "computed_at"))
        tags.enterprise_tags_recompute(brain=mould, enterprise_id=shop.enterprise_id)
        with brain_context(mould.pk):
            assert dict(EnterpriseTag.objects.filter(enterprise=shop.enterprise)
                        .values_list("code", "computed_at")) == first
        save_profile(mould, shop, materials=["NAK80"])
        codes = tags.enterprise_tags_recompute(brain=mould, enterprise_id=shop.enterprise_id)
        assert "material:NAK80" in codes and "material:718H" not in codes

    def test_every_rule_has_a_label_and_explanation_that_format(self):
        evidence = {"source": "s", "as_of": "2026-01-01", "rating": "A", "year": "2025", "count": 2, "name": "n",
                    "code": "C", "material": "m", "rate": "99.0", "lines": 9}
        for rule in tagging.RULES:
            assert str(rule.label) % evidence and rule.explain(evidence)


class TestRecomputeOnChange:
    def test_saving_the_profile_records_an_event_whose_task_retags(self, mould, shop):
        save_profile(mould, shop, materials=["718H"])
        with brain_context(mould.pk):
            event = OutboxEvent.objects.filter(name="supplier_profile.saved").latest("id")
        assert ("brain.tasks.recompute_enterprise_tags", "default") in SUBSCRIBERS["supplier_profile.saved"]
        assert "material:718H" in recompute_enterprise_tags(mould.pk, event.pk)
        with brain_context(mould.pk):
            assert EnterpriseTag.objects.filter(enterprise=shop.enterprise, code="material:718H").exists()

    def test_work_order_events_are_subscribed(self):
        for name in ("work_order.completed", "work_order.rated"):
            assert ("capacity.tasks.recompute_supplier_tags", "default") in SUBSCRIBERS[name]

    def test_a_sync_run_retags_the_enterprises_whose_records_it_changed_in_every_brain(
            self, mould, pump, shop, olga, registry_source):
        join(pump, shop.enterprise, roles=("supplier",))  # the same enterprise in two brains
        with brain_context(mould.pk):
            run = SyncRun.objects.create(brain=mould, source=registry_source, status=SyncRun.Status.SUCCEEDED,
                                         started_at=timezone.now(), finished_at=timezone.now())
        code = shop.enterprise.credit_code
        PublicRecord.objects.create(credit_code=code, record_type="registration", record_id=code,
                                    facts={"specialised_sme": fact("1", registry_source.pk)})
        with brain_context(mould.pk):
            event = event_record(brain_id=mould.pk, name="sync.run_finished", payload={"run": run.pk})
        assert recompute_tags_after_sync(mould.pk, event.pk) == 2
        for brain in (mould, pump):
            with brain_context(brain.pk):
                assert EnterpriseTag.objects.filter(enterprise=shop.enterprise, code="specialised_sme").exists()


class TestPagesAndApi:
    def test_the_page_shows_provenance_and_tags(self, client, mould, shop, records):
        save_profile(mould, shop)
        tags.enterprise_tags_recompute(brain=mould, enterprise_id=shop.enterprise_id)
        client.force_login(shop)
        page = client.get(f"/b/mould/enterprises/{shop.enterprise_id}/", )
        assert page.status_code == 200
        body = page.content.decode()
        assert "市场监管局企业登记信息" in body and "500万元人民币" in body and "718H" in body

    def test_the_page_is_404_to_another_brain(self, client, mould, shop, charlie, records):
        client.force_login(charlie)
        assert client.get(f"/b/mould/enterprises/{shop.enterprise_id}/").status_code == 404
        assert client.get(f"/b/pump-valve/enterprises/{shop.enterprise_id}/").status_code == 404

    def test_the_page_shows_other_members_the_public_part(self, client, mould, shop, alice, records):
        client.force_login(alice)
        body = client.get(f"/b/mould/enterprises/{shop.enterprise_id}/").content.decode()
        assert "500万元人民币" not in body and "王宏达" not in body and "存续" in body

    def test_the_api_reads_the_file_by_enterprise_id(self, mould, shop, alice, olga, records):
        url = reverse("enterprise-file-detail", kwargs={"brain_slug": mould.slug, "pk": shop.enterprise_id})
        own = api_as(shop).get(url).json()
        assert own["full"] and own["tax_credit"]["rating"] == "A"
        assert {f["name"] for f in own["registry"]} >= {"registered_capital", "legal_name"}
        public = api_as(alice).get(url).json()
        assert public["full"] is False and public["tax_credit"] is None
        assert "registered_capital" not in {f["name"] for f in public["registry"]}
        assert public["platform"]["orders_won"] is None and own["platform"]["orders_won"] == 0
        listed = api_as(alice).get(reverse("enterprise-file-list", kwargs={"brain_slug": mould.slug})).json()
        assert {row["id"] for row in listed["results"]} == {shop.enterprise_id, alice.enterprise_id}
