"""GraphiQL in a real headless browser (Debian's Chromium, driven by Playwright) on a machine without internet:
the page renders from the service's own files, nothing leaves the service, and a query runs through the UI."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, Page, Request, async_playwright

from core.settings import Settings
from seed.demo import AN
from tests.databases import connection
from tests.served import served
from tests.tools import chromium

pytestmark = pytest.mark.slow

# The flags a closed network needs: without them Chromium calls Google's services at start.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]  # fmt: skip


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    path = chromium()
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=path, args=FLAGS)
        try:
            yield launched
        finally:
            await launched.close()


class Watched:
    """What a page asked for and complained about."""

    def __init__(self, page: Page, origin: str) -> None:
        self.outside: list[str] = []
        self.problems: list[str] = []

        def request(req: Request) -> None:
            if not req.url.startswith((origin, "data:")):
                self.outside.append(req.url)

        page.on("request", request)
        page.on("console", lambda m: self.problems.append(m.text) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: self.problems.append(str(e)))


async def _open_tab(page: Page, name: str) -> None:
    await page.locator(".graphiql-tab", has_text=name).first.click()
    await page.locator(".graphiql-query-editor", has_text=f" {name}").wait_for()
    # GraphiQL reads the operation name from the editor 100 ms after a change (debounced); a person is slower
    await page.wait_for_timeout(300)


async def _run_tab(page: Page, name: str) -> dict[str, object]:
    """Run a tab with GraphiQL's button; the answer as the network carried it, once the result pane shows it."""
    await _open_tab(page, name)
    async with page.expect_response(lambda r: r.request.method == "POST") as response:
        await page.locator(".graphiql-execute-button").click()
    answer: dict[str, object] = await (await response.value).json()
    # the result pane renders only its visible lines: it shows the start of the answer
    await page.locator(".result-window", has_text='"data"').wait_for()
    return answer


async def _header(page: Page) -> dict[str, str]:
    await page.get_by_text("Headers", exact=True).click()
    text = (await page.locator(".graphiql-editor-tool .graphiql-editor").nth(1).inner_text()).replace("\xa0", " ")
    # CodeMirror shows line numbers between the lines
    lines = [line for line in text.splitlines() if not line.strip().isdigit()]
    headers: dict[str, str] = json.loads("\n".join(lines))
    return headers


async def test_login_then_home_through_the_ui(browser: Browser, settings: Settings, db_dsn: str) -> None:
    async with served(settings, db_dsn) as origin:
        page = await browser.new_page()
        watched = Watched(page, origin)
        await page.goto(origin + "/graphql")
        await page.locator(".graphiql-container").wait_for(timeout=30_000)
        assert await page.locator(".graphiql-tab").first.inner_text() == "Login"

        # Before login the Home tab's header is the placeholder
        await _open_tab(page, "Home")
        assert (await _header(page))["Authorization"] == "Bearer <paste accessToken from Login>"

        login = await _run_tab(page, "Login")
        token = login["data"]["login"]["accessToken"]  # type: ignore[index]
        assert isinstance(token, str) and token

        await _open_tab(page, "Home")
        assert (await _header(page)) == {"Authorization": f"Bearer {token}"}
        home = await _run_tab(page, "Home")

        assert home["data"]["me"]["fullName"] == AN.full_name  # type: ignore[index]
        assert "errors" not in home
        assert watched.outside == []
        assert watched.problems == []


async def test_the_partner_page_runs_its_documents_on_the_partner_endpoint(
    browser: Browser, settings: Settings, db_dsn: str
) -> None:
    async with served(settings, db_dsn) as origin:
        page = await browser.new_page()
        watched = Watched(page, origin)
        posted: list[str] = []
        page.on("request", lambda r: posted.append(r.url) if r.method == "POST" else None)
        await page.goto(origin + "/graphql/partner")
        await page.locator(".graphiql-container").wait_for(timeout=30_000)

        card = await _run_tab(page, "VerifyInsuranceCard")

        # the tab's variables are the demo citizen's card, name and birth date
        assert card["data"]["verifyInsuranceCard"]["reason"] == "VALID"  # type: ignore[index]
        assert set(posted) == {origin + "/graphql/partner"}
        assert watched.outside == [] and watched.problems == []


async def test_the_inbox_subscription_runs_in_its_tab(browser: Browser, settings: Settings, db_dsn: str) -> None:
    async with served(settings, db_dsn) as origin:
        page = await browser.new_page()
        watched = Watched(page, origin)
        await page.goto(origin + "/graphql")
        await page.locator(".graphiql-container").wait_for(timeout=30_000)
        await _run_tab(page, "Login")

        await _open_tab(page, "InboxMessageAdded")
        await page.locator(".graphiql-execute-button").click()
        await page.wait_for_timeout(1000)  # connected and subscribed
        async with connection(db_dsn) as db:
            person_id = await db.fetchval("select id from people where social_insurance_code = $1",
                                          AN.social_insurance_code)
            await db.execute(
                """insert into inbox_messages (person_id, kind, subject_key, period, title, body)
                   values ($1, 'PARTNER_ACCESS', 'browser', '-', 'Cơ sở đối tác đã xem thông tin của bạn',
                           'Bệnh viện Trình Duyệt đã xem.')""",
                person_id,
            )

        await page.locator(".result-window", has_text="Bệnh viện Trình Duyệt").wait_for(timeout=10_000)
        assert watched.outside == [] and watched.problems == []
