import shutil

import pytest



@pytest.fixture(scope="module")
def chromium():
    """The system Chromium (Debian's package), driven by Playwright; installed by .ci/run.

    Per module, not per session: Playwright's sync API keeps an event loop running in this thread while
    it is open, and tests elsewhere that run their own loop (WebSocket clients) must not meet it."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail("Chromium is not installed: apt-get install -y chromium fonts-wqy-microhei (see .ci/run)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                  "--no-first-run", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
