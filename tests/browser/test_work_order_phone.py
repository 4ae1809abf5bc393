"""A supplier reports progress from a phone: the work order page on a 360-px-wide screen has no sideways
scrolling, big touch targets, and the photo goes up with the report; the buyer then sees its thumbnail."""

import pytest
from playwright.sync_api import expect

from capacity.models import ProgressReport
from tenants.context import brain_context
from tests.browser.test_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JPEG = b"\xff\xd8\xff\xe0" + b"1" * 300


def test_a_supplier_reports_with_a_photo_on_a_narrow_phone(chromium, live_server_url, accepted, shop_a, alice,
                                                            settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    work_order, _lines = accepted
    phone = chromium.new_context(locale="zh-CN", viewport={"width": 360, "height": 740}, device_scale_factor=2,
                                 is_mobile=True, has_touch=True).new_page()
    phone.set_default_timeout(15_000)
    log_in(phone, live_server_url, "hongda")
    phone.goto(f"{live_server_url}/b/mould/capacity/work-orders/{work_order.pk}/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    form = phone.get_by_test_id("line").first
    form.locator("summary.button").click()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360  # the open form fits too
    done = form.get_by_test_id("status-in_progress")
    box = done.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 120  # a thumb hits it
    photo = tmp_path / "机床.jpg"
    photo.write_bytes(JPEG)
    form.locator("input[name=percent]").fill("40")
    form.locator("input[name=photos]").set_input_files(str(photo))
    done.click()
    expect(phone.get_by_test_id("report")).to_have_count(1)
    with brain_context(work_order.brain_id):
        report = ProgressReport.objects.get()
        assert (report.percent, [f.kind for f in report.files.all()]) == (40, ["photo"])
    phone.screenshot(path=str(tmp_path / "phone.png"), full_page=True)

    desk = chromium.new_context(locale="zh-CN").new_page()
    log_in(desk, live_server_url, "alice")
    desk.goto(f"{live_server_url}/b/mould/capacity/work-orders/{work_order.pk}/")
    thumb = desk.get_by_test_id("thumb").first
    expect(thumb).to_be_visible()
    served = desk.request.get(live_server_url + thumb.get_attribute("src"))
    assert served.status == 200 and served.body() == JPEG  # the photo itself, to its buyer
