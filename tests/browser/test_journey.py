"""A person in a real browser: log in, read Chinese, switch to English, open a brain, live badge."""

import re

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from tenants.services import memberships as services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_test_id("login").click()


def test_log_in_switch_language_and_open_a_brain(page, live_server_url, alice, mould, pump):
    log_in(page, live_server_url, "13900000001")  # by mobile number
    expect(page.locator("h1")).to_have_text("我的产业大脑")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

    page.get_by_test_id("language-en").click()
    expect(page.locator("h1")).to_have_text("My brains")

    page.get_by_test_id("brain-mould").click()
    expect(page).to_have_url(re.compile(r"/b/mould/$"))
    expect(page.get_by_test_id("brain-title")).to_have_text("Mould")  # the English name, in English
    expect(page.get_by_text("CNC milling")).to_be_visible()

    page.get_by_test_id("brain-switcher").click()
    expect(page.locator(".brain-switcher li")).to_have_count(1)  # pump-valve is not alice's
    page.screenshot(path="test-results/brain-home.png", full_page=True)


def test_a_new_application_lights_the_operators_bell_without_reload(page, live_server_url, celery_worker, mould,
                                                                   olga, charlie, charlie_ent):
    log_in(page, live_server_url, "olga")
    page.goto(f"{live_server_url}/b/mould/")
    expect(page.locator("body")).to_have_attribute("data-live", "on")
    expect(page.locator("#unread")).to_have_text("")

    services.membership_apply(brain=mould, enterprise=charlie_ent, roles=["supplier"], by=charlie)

    expect(page.locator("#unread")).to_have_text("1")
