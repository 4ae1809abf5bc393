"""政策直达 in a real browser: an operator writes a policy with rule rows, previews who is eligible, saves and
publishes it; a Celery worker matches the members; the eligible shop's owner finds it in the list and reads why,
rule by rule, in Chinese."""

import re

import pytest
from playwright.sync_api import expect

from brain.tests.conftest import registry_source  # noqa: F401 (a fixture)
from brain.tests.policies.test_policies import dongfang, hongda, retag  # noqa: F401 (fixtures)
from brain.models import Policy
from conftest import wait_for
from tenants.context import brain_context
from tests.browser.test_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_operator_publishes_a_policy_and_the_eligible_shop_reads_why(chromium, live_server_url, celery_worker,
                                                                        mould, olga, hongda, dongfang):
    retag(mould, hongda, dongfang)
    operator = chromium.new_context(locale="zh-CN").new_page()
    operator.set_default_timeout(15_000)
    log_in(operator, live_server_url, "olga")
    operator.goto(f"{live_server_url}/b/mould/")
    operator.get_by_test_id("policies-link").click()
    operator.get_by_test_id("new-policy").click()
    operator.fill("#id_title", "黄岩区中小企业数字化改造补助")
    operator.fill("#id_issuer", "台州市黄岩区经济和信息化局")
    operator.fill("#id_summary", "对区内高新技术中小企业的数字化改造给予补助。")
    operator.select_option("#id_rules-0-field", "region")
    operator.select_option("#id_rules-0-op", "within")
    operator.fill("#id_rules-0-value", "331003")
    operator.select_option("#id_rules-1-field", "tags")
    operator.select_option("#id_rules-1-op", "has_any")
    operator.fill("#id_rules-1-value", "high_tech, specialised_sme")
    operator.get_by_test_id("preview").click()
    expect(operator.get_by_test_id("preview-result")).to_contain_text("2 家正式成员中：1 家符合条件")
    expect(operator.get_by_test_id("preview-result")).to_contain_text("台州市黄岩宏达精密机械加工厂")
    operator.screenshot(path="test-results/policy-preview.png", full_page=True)
    operator.get_by_test_id("save").click()
    expect(operator).to_have_url(re.compile(r"/b/mould/policies/\d+/$"))
    operator.get_by_test_id("publish").click()

    def matched():
        with brain_context(mould.pk):
            return Policy.objects.filter(matched_at__isnull=False).exists()

    assert wait_for(matched, timeout=30)
    operator.reload()  # the page shows what the worker decided
    expect(operator.get_by_test_id("decisions")).to_contain_text("温岭市东方精工模具厂")
    expect(operator.get_by_test_id("counts").locator(".card").first).to_have_text(re.compile(r"^\s*1\s*符合条件"))
    operator.screenshot(path="test-results/policy-operator.png", full_page=True)

    shop = chromium.new_context(locale="zh-CN").new_page()
    shop.set_default_timeout(15_000)
    log_in(shop, live_server_url, "hongda")
    shop.goto(f"{live_server_url}/b/mould/policies/")
    row = shop.get_by_test_id("policies").locator("tr", has_text="黄岩区中小企业数字化改造补助")
    expect(row).to_contain_text("符合条件")
    row.get_by_role("link").click()
    decision = shop.get_by_test_id("own-decision")
    expect(decision.locator('tr[data-field="region"]')).to_contain_text("331003")
    expect(decision.locator('tr[data-field="region"]')).to_contain_text("市场监管局企业登记信息")
    expect(decision.locator('tr[data-field="tags"]')).to_contain_text("高新技术企业")
    expect(decision.locator('[data-outcome="met"]')).to_have_count(2)
    expect(shop.get_by_test_id("decisions")).to_have_count(0)  # no other enterprise's decision
    shop.screenshot(path="test-results/policy-own-decision.png", full_page=True)
    shop.goto(f"{live_server_url}/b/mould/notifications/")
    expect(shop.locator("body")).to_contain_text("贵企业符合“黄岩区中小企业数字化改造补助”的申报条件")
