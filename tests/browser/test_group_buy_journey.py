"""Buying together: one member pledges in its browser and another member's open campaign page shows the new
total, tier and distance to the next tier at once, without a reload."""

import pytest
from playwright.sync_api import expect

from supplychain.tests.conftest import pledge
from tests.browser.test_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_pledge_moves_the_tier_on_another_members_open_page(chromium, live_server_url, celery_worker, steel_buy,
                                                             dongfang, songmen):
    pledge(steel_buy, songmen, "40")
    page_url = f"{live_server_url}/b/pump-valve/supply/{steel_buy.pk}/"

    watcher = chromium.new_context(locale="zh-CN").new_page()
    watcher.set_default_timeout(15_000)
    log_in(watcher, live_server_url, songmen.username)
    watcher.goto(page_url)
    expect(watcher.get_by_test_id("total")).to_contain_text("40")
    expect(watcher.get_by_test_id("price")).to_have_text("¥15800.00")
    expect(watcher.locator("input[name=quantity]")).to_have_value("40")  # its own pledge, as people write it
    expect(watcher.get_by_test_id("to-next")).to_contain_text("10")
    watcher.evaluate("window.neverReloaded = true")
    expect(watcher.locator("[data-live-ready]")).to_have_count(1)

    member = chromium.new_context(locale="zh-CN").new_page()
    member.set_default_timeout(15_000)
    log_in(member, live_server_url, dongfang.username)
    member.goto(page_url)
    member.locator("input[name=quantity]").fill("12.5")
    member.locator("input[name=address]").fill("温岭市泽国镇牧屿工业区 东方泵业二厂")
    member.get_by_test_id("pledge").click()
    expect(member.get_by_test_id("total")).to_contain_text("52.5")

    # 52.5 t passes the 50 t threshold: the watcher's page shows the new tier, unreloaded
    expect(watcher.get_by_test_id("total")).to_contain_text("52.5")
    expect(watcher.get_by_test_id("price")).to_have_text("¥15200.00")
    expect(watcher.get_by_test_id("to-next")).to_contain_text("47.5")
    expect(watcher.get_by_test_id("tier-reached")).to_contain_text("≥ 50 t")
    assert watcher.evaluate("window.neverReloaded") is True
    assert "牧屿工业区" not in watcher.content(), "another member's address is not shown to it"
    watcher.screenshot(path="test-results/group-buy-live.png", full_page=True)
