"""The web app in a real browser: Debian's Chromium driven by Playwright, against `marsad
serve` started on a free loopback port over the sample archive.

Skipped, with the reason, where /usr/bin/chromium is missing (`.ci/run` installs it); never
`playwright install`, which downloads a browser build this machine cannot fetch."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.serving import free_port, serving

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's chromium is not installed (apt-get install chromium; .ci/run does)",
)

if CHROMIUM.exists():
    from playwright.sync_api import Browser, Page, expect, sync_playwright


@pytest.fixture(scope="module")
def enriched_archive(sample_archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the sample archive with its named entities tagged (`marsad enrich`)."""
    from marsad import service
    from marsad.store.sqlite import SqliteStore, copy_archive

    db = tmp_path_factory.mktemp("enriched") / "sample.db"
    copy_archive(sample_archive, db)
    with SqliteStore(db) as store:
        service.update_entities(store)
        store.checkpoint()
    return db


@pytest.fixture(scope="module")
def server(enriched_archive: Path) -> Iterator[str]:
    """`marsad serve` in a process of its own, on loopback, until the module's tests end."""
    port = free_port()
    with serving("serve", "--db", str(enriched_archive), "--port", str(port), port=port) as (base, _):
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="ar")
    opened = context.new_page()
    yield opened
    context.close()


def search(page: Page, server: str, query: str) -> None:
    page.goto(server + "/")
    page.get_by_label("ابحث في الأرشيف").fill(query)
    with page.expect_navigation():
        page.get_by_role("button", name="بحث").click()


def test_a_spelling_variant_finds_the_article(page: Page, server: str) -> None:
    # «بتحليه»: ta marbuta written as ha and a clitic; «ومسقط»: a clitic: no page writes them so
    search(page, server, "ومسقط بتحليه المياه")
    first = page.locator("ol.hits > li").first
    expect(first.locator("h2")).to_contain_text("مؤتمر مسقط للمياه")
    expect(first.locator("mark").first).to_be_visible()  # the matched words are highlighted


def test_the_article_shows_every_outlet_and_similar_articles(page: Page, server: str) -> None:
    search(page, server, "ومسقط بتحليه المياه")
    with page.expect_navigation():
        page.locator("ol.hits > li h2 a").first.click()
    expect(page.locator("h1")).to_contain_text("مسقط")
    carried = page.locator("#pages-title + .table-wrap tbody tr td:first-child")
    outlets = {text.strip() for text in carried.all_inner_texts()}
    assert {"al-madar.example", "sahil-news.example", "wadi-times.example"} <= outlets
    similar = page.locator("ul.similar li a")
    expect(similar.first).to_be_visible()
    assert similar.count() >= 1


def test_a_script_in_the_query_is_shown_as_text(page: Page, server: str) -> None:
    attack = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    search(page, server, attack)
    expect(page.locator("#q")).to_have_value(attack)
    expect(page.locator("main")).to_contain_text("<script>alert(1)</script>")
    assert page.locator("main script, main img").count() == 0
    assert dialogs == []


def test_keyboard_alone_reaches_search_and_an_article(page: Page, server: str) -> None:
    page.goto(server + "/")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()  # shown when focused
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))  # (waits: the jump lands after the key press)
    page.goto(server + "/")
    for _ in range(20):  # Tab along the header to the search box
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "q":
            break
    expect(page.locator("#q")).to_be_focused()
    page.keyboard.type("الإنفلونزا")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/search?q=" in page.url
    first_hit = page.locator("ol.hits > li h2 a").first
    for _ in range(60):  # Tab on until the first hit's link has the focus
        page.keyboard.press("Tab")
        if first_hit.evaluate("link => link === document.activeElement"):
            break
    expect(first_hit).to_be_focused()
    outline = first_hit.evaluate("link => getComputedStyle(link).outlineStyle")
    assert outline != "none"  # the focus is visible
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/article/" in page.url


@pytest.mark.parametrize(
    "path", ["/", "/search?q=المياه", "/outlets", "/quarantine", "/outlet/al-madar.example"]
)
def test_a_phone_width_needs_no_horizontal_scroll(browser: Browser, server: str, path: str) -> None:
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True
    )
    page = context.new_page()
    page.goto(server + path)
    assert page.evaluate("document.documentElement.dir") == "rtl"
    wide = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert wide <= 0, f"{path} scrolls {wide}px sideways at 360px"
    context.close()


def test_article_page_fits_a_phone(browser: Browser, server: str) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    search(page, server, "موجة حر وغبار")
    with page.expect_navigation():
        page.locator("ol.hits > li h2 a").first.click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()


def test_the_shipped_font_renders_the_arabic(page: Page, server: str) -> None:
    page.goto(server + "/")
    loaded = page.evaluate(
        "document.fonts.ready.then(set => [...set].filter(f => f.status === 'loaded').map(f => f.family))"
    )
    assert any("Noto Naskh Arabic" in family for family in loaded)  # fetched from /static/fonts
    family = page.locator("h1").evaluate("h => getComputedStyle(h).fontFamily")
    assert family.startswith('"Noto Naskh Arabic"')


def test_an_entity_link_leads_to_the_entity_page_and_a_story_to_its_timeline(page: Page, server: str) -> None:
    """From the home page's first story to its timeline, to an article, to one of its names: the
    entity page names it and lists that article among those that mention it."""
    page.goto(server + "/")
    page.locator("#stories-title + ol a").first.click()
    expect(page.get_by_role("heading", name="تسلسل النشر: من كان الأول")).to_be_visible()
    page.locator("table a[href^='/article/']").first.click()
    article_url = page.url
    name = page.locator("a[href^='/entity/']").first
    shown = name.inner_text()
    name.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(shown.removeprefix("ال")[:3])
    expect(page.locator(f"a[href='{article_url.removeprefix(server)}']")).to_have_count(1)


def test_the_api_docs_render_with_no_internet(page: Page, server: str) -> None:
    """Swagger UI's files come from this server (the test machine has no internet): /docs lists
    the API's operations and no request leaves loopback."""
    outside: list[str] = []
    page.on(
        "request", lambda request: None if request.url.startswith(server) else outside.append(request.url)
    )
    page.goto(server + "/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=15_000)
    paths = [p.replace("\u200b", "") for p in page.locator(".opblock-summary-path").all_inner_texts()]
    assert any(path.startswith("/api/search") for path in paths), paths
    assert not outside, outside
