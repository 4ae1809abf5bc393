"""The payoff of the story: a supplier reports from the shop floor on a phone, and the buyer's open project
board changes within moments, without a reload and without a phone call."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_report_from_the_phone_moves_the_buyers_open_board(chromium, live_server_url, celery_worker, accepted,
                                                               project, shop_a, alice, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    work_order, _lines = accepted

    buyer = chromium.new_context(locale="zh-CN").new_page()
    buyer.set_default_timeout(15_000)
    log_in(buyer, live_server_url, "alice")
    board_url = f"{live_server_url}/b/mould/capacity/projects/{project.pk}/board/"
    buyer.goto(board_url)
    cavity = buyer.get_by_test_id("row-CAV-01")
    expect(cavity.get_by_test_id("percent")).to_have_text("0%")
    buyer.evaluate("window.boardNeverReloaded = true")
    expect(buyer.locator("[data-live-ready]")).to_have_count(1)  # the socket has subscribed to the board

    phone = chromium.new_context(locale="zh-CN", viewport={"width": 360, "height": 740}, is_mobile=True,
                                 has_touch=True).new_page()
    phone.set_default_timeout(15_000)
    log_in(phone, live_server_url, shop_a.username)
    phone.goto(f"{live_server_url}/b/mould/capacity/work-orders/{work_order.pk}/")
    line = phone.get_by_test_id("line").filter(has_text="CAV-01")
    line.locator("summary.button").click()
    line.locator("input[name=percent]").fill("40")
    line.get_by_test_id("status-in_progress").click()
    expect(phone.get_by_test_id("report")).to_have_count(1)

    # CNC at 40 % of a two-operation routing: the part is 20 % done, on the buyer's board, unreloaded
    expect(cavity.get_by_test_id("percent")).to_have_text("20%")
    assert buyer.evaluate("window.boardNeverReloaded") is True and buyer.url == board_url
    # only the touched row came back (not the whole table), and the head followed it
    expect(buyer.get_by_test_id("board-live")).to_have_attribute("data-rows-updated", "1")
    expect(buyer.get_by_test_id("count-on_track")).to_contain_text("2")
    buyer.screenshot(path="test-results/board-live.png", full_page=True)
