"""The policy pages: the operator's form with rule rows, preview, publish and withdraw; the member's own decision
explained; nobody else's."""

import csv
import io

import pytest
from django.utils import translation

from brain.models import Policy, PolicyMatch
from brain.tests.conftest import registry_source  # noqa: F401 (a fixture)
from brain.tests.policies.test_policies import HUANGYAN_HIGH_TECH_SME, new_policy, published, registration, retag
from brain.tests.policies.test_policies import dongfang, hongda  # noqa: F401 (fixtures)
from conftest import join, make_enterprise, make_user
from tenants.context import brain_context
from tenants.models import Membership, OutboxEvent


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def form_data(rules, **fields):
    data = {"title": "黄岩区中小企业数字化改造补助", "issuer": "台州市黄岩区经济和信息化局", "summary": "补助。",
            "apply_by": "", "benefit": "", "document_number": "", "url": "",
            "rules-TOTAL_FORMS": str(len(rules) + 1), "rules-INITIAL_FORMS": "0", **fields}
    for index, rule in enumerate(rules):
        value = rule["value"]
        data |= {f"rules-{index}-field": rule["field"], f"rules-{index}-op": rule["op"],
                 f"rules-{index}-value": ", ".join(value) if isinstance(value, list) else str(value)}
    return data  # the last row is left blank, as on the page


class TestTheOperatorsPages:
    def test_preview_then_save_then_publish(self, client, mould, olga, hongda, dongfang):
        retag(mould, hongda, dongfang)
        client.force_login(olga)
        page = client.post(f"/b/{mould.slug}/policies/new/", {**form_data(HUANGYAN_HIGH_TECH_SME),
                                                               "action": "preview"}, HTTP_ACCEPT_LANGUAGE="en")
        assert page.status_code == 200
        text = page.content.decode()
        assert "Of 2 active members: 1 eligible, 1 not eligible, 0 undetermined" in text
        assert "台州市黄岩宏达精密机械加工厂" in text
        with brain_context(mould.pk):
            assert not Policy.objects.exists()  # a preview saves nothing
        saved = client.post(f"/b/{mould.slug}/policies/new/", {**form_data(HUANGYAN_HIGH_TECH_SME),
                                                                "action": "save"})
        with brain_context(mould.pk):
            policy = Policy.objects.get()
        assert saved.status_code == 302 and saved["Location"] == f"/b/{mould.slug}/policies/{policy.pk}/"
        assert policy.rules == HUANGYAN_HIGH_TECH_SME and policy.status == "draft"
        client.post(f"/b/{mould.slug}/policies/{policy.pk}/", {"action": "publish"})
        with brain_context(mould.pk):
            assert Policy.objects.get().status == "published"
            assert OutboxEvent.objects.filter(name="policy.published").count() == 1

    def test_a_bad_rule_is_shown_with_its_row_and_nothing_is_saved(self, client, mould, olga):
        client.force_login(olga)
        page = client.post(f"/b/{mould.slug}/policies/new/", {**form_data([
            {"field": "region", "op": "within", "value": ["331003"]},
            {"field": "employees", "op": "gte", "value": "lots"}]), "action": "save"}, HTTP_ACCEPT_LANGUAGE="en")
        assert page.status_code == 400
        assert "Rule 2: “employees” needs a number from 0 to 1000000000000." in page.content.decode()
        with brain_context(mould.pk):
            assert not Policy.objects.exists()

    def test_the_decisions_list_and_one_decision_explained(self, client, mould, olga, hongda, dongfang):
        retag(mould, hongda, dongfang)
        policy = published(mould, olga)
        client.force_login(olga)
        text = client.get(f"/b/{mould.slug}/policies/{policy.pk}/?outcome=eligible", HTTP_ACCEPT_LANGUAGE="en"
                          ).content.decode()
        assert "台州市黄岩宏达精密机械加工厂" in text and "温岭市东方精工模具厂" not in text
        decision = client.get(f"/b/{mould.slug}/policies/{policy.pk}/enterprises/{dongfang.enterprise_id}/",
                              HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert 'data-field="region" data-outcome="not_met"' in decision and "331081" in decision

    def test_changing_a_published_policy_on_its_page_re_matches(self, client, mould, olga, hongda):
        policy = published(mould, olga)
        client.force_login(olga)
        page = client.get(f"/b/{mould.slug}/policies/{policy.pk}/edit/").content.decode()
        assert 'value="331003"' in page and 'value="high_tech, specialised_sme"' in page  # the rules, as rows
        rules = [{"field": "region", "op": "within", "value": ["331000"]}]
        response = client.post(f"/b/{mould.slug}/policies/{policy.pk}/edit/", {
            **form_data(rules, title=policy.title, apply_by=policy.apply_by.isoformat()), "action": "save"})
        assert response.status_code == 302
        with brain_context(mould.pk):
            changed = Policy.objects.get(pk=policy.pk)
            event = OutboxEvent.objects.filter(name="policy.changed").get()
        assert changed.rules == rules and changed.rules_version == 2 and event.payload["rematch"] is True

    def test_the_decisions_download_as_a_spreadsheet_for_operators_only(self, client, mould, olga, hongda, dongfang):
        retag(mould, hongda, dongfang)
        policy = published(mould, olga)
        url = f"/b/{mould.slug}/policies/{policy.pk}/decisions.csv"
        client.force_login(olga)
        response = client.get(url, {"outcome": "eligible"}, HTTP_ACCEPT_LANGUAGE="en")
        assert response["Content-Type"].startswith("text/csv")
        text = response.content.decode("utf-8")
        assert text.startswith("\ufeff")  # Excel reads UTF-8 only with the mark
        rows = list(csv.reader(io.StringIO(text[1:])))
        assert rows[0][:3] == ["Enterprise", "Unified social credit code", "Outcome"]
        assert rows[0][5] == "region is within 331003 Huangyan District"
        assert [row[0] for row in rows[1:]] == ["台州市黄岩宏达精密机械加工厂"]
        assert rows[1][1] == hongda.enterprise.credit_code and rows[1][5] == "331003 Huangyan District [met]"
        client.force_login(dongfang)
        assert client.get(url).status_code == 404

    def test_withdraw_needs_a_reason(self, client, mould, olga, hongda):
        policy = published(mould, olga)
        client.force_login(olga)
        assert client.post(f"/b/{mould.slug}/policies/{policy.pk}/", {"action": "withdraw", "reason": ""}
                           ).status_code == 400
        client.post(f"/b/{mould.slug}/policies/{policy.pk}/", {"action": "withdraw", "reason": "资金已用完"})
        with brain_context(mould.pk):
            assert Policy.objects.get().status == "withdrawn"


class TestTheMembersPages:
    def test_a_member_reads_its_own_decision_field_by_field(self, client, mould, olga, hongda, dongfang):
        retag(mould, hongda, dongfang)
        policy = published(mould, olga)
        client.force_login(dongfang)
        listing = client.get(f"/b/{mould.slug}/policies/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "not eligible" in listing
        page = client.get(f"/b/{mould.slug}/policies/{policy.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert 'data-testid="own-decision"' in page and 'data-field="size_class" data-outcome="unknown"' in page
        assert "台州市黄岩宏达精密机械加工厂" not in page  # nobody else's decision, not even a name
        assert 'data-testid="decisions"' not in page and 'data-testid="counts"' not in page
        other = f"/b/{mould.slug}/policies/{policy.pk}/enterprises/{hongda.enterprise_id}/"
        assert client.get(other).status_code == 404
        assert client.post(f"/b/{mould.slug}/policies/{policy.pk}/", {"action": "publish"}).status_code == 404
        assert client.get(f"/b/{mould.slug}/policies/new/").status_code == 404

    def test_drafts_are_the_operators_alone_and_applicants_see_nothing(self, client, mould, olga, hongda,
                                                                      registry_source):

        draft = new_policy(mould, olga)
        client.force_login(hongda)
        assert client.get(f"/b/{mould.slug}/policies/{draft.pk}/").status_code == 404
        applicant = make_enterprise(30, "玉环市新亚阀门有限公司")
        join(mould, applicant, roles=("supplier",), status=Membership.Status.APPLIED)
        registration(applicant, registry_source, region_code="331003")
        client.force_login(make_user("xinya", enterprise=applicant))
        assert client.get(f"/b/{mould.slug}/policies/").status_code == 404
        published(mould, olga, title="第二项")
        with brain_context(mould.pk):
            assert not PolicyMatch.objects.filter(enterprise=applicant).exists()  # only active members are matched
