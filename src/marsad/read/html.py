"""HTML pages → Page, with the text in the same shape as the seed text pages.

The contract: one block (paragraph, heading, line) per line, a blank line between blocks, list
items as lines beginning "  • ", and the boilerplate *inside* the article region kept as text
("اقرأ أيضاً" with its extra article, "أخبار ذات صلة", "المصدر:", "كلمات دلالية:", "إعلان",
"مقالات مشابهة"), because the segmenter parses those blocks into structured fields later.

trafilatura 2.3 was tried first and fell short of that contract: on a news page built like the
seeds it kept only the article paragraphs and "المصدر:" and dropped the related-news box, the
tag line, the "إقرأ أيضاً" article, the "إعلان" markers and the "مقالات مشابهة" list (link-dense
blocks are exactly what it is designed to remove); it also puts the headline first, and its
metadata date keeps only the day. So the region is found and rendered here with lxml:
<main>/[role=main] if present, else the longest <article> (or the densest paragraph container),
grown outwards while the enclosing element holds no page chrome (nav, page header and footer),
so the "مقالات مشابهة" list next to the article stays in. Navigation, scripts, hidden elements,
cookie bars and share widgets are removed inside the region.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

import orjson
from lxml import etree
from lxml import html as lxml_html
from lxml.html import HtmlElement

from marsad.model import Page, ReadFailure
from marsad.read.common import decode_page, outlet_for, parse_datetime
from marsad.read.options import ReadOptions
from marsad.text import matching_key

_BLOCK = frozenset(
    {
        *("address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details"),
        *("dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form"),
        *("h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend", "main", "menu"),
        *("ol", "p", "pre", "section", "summary", "table", "tbody", "tfoot", "thead", "ul"),
    }
)
_LINE = frozenset({"tr", "li"})
_CELL = frozenset({"td", "th"})
_DROP = frozenset(
    {
        *("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas"),
        *("button", "input", "select", "textarea", "option", "head", "title", "meta", "link", "nav"),
        *("video", "audio", "map", "dialog"),
    }
)
_CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "search"})
_CHROME_CLASS = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|navigation|menu|masthead|topbar|site-header|site-footer|"
    r"header|footer|cookies?|consent|gdpr)(?:$|[\s_-])"
)
_JUNK_CLASS = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|menu|breadcrumbs?|cookies?|consent|gdpr|share|sharing|social|"
    r"newsletter|subscribe|popup|modal|meta|byline|author-box)(?:$|[\s_-])"
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\n\r\f]+")
_GAP = re.compile(r"[ \n\x01\x02]+")
_SOFT, _PARA, _BULLET = "\x01", "\x02", "\ue000"
# Neighbouring links (tags, related headlines) are separate items; in text they would run into
# one another, so they are written with the list separator the segmenter splits on.
_LINK_SEPARATOR = " | "
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_TITLE_SEP = re.compile(r"\s+(?:[-|–—»:]|::)\s+")
_PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "publishdate",
    "pubdate",
    "dc.date.issued",
    "date",
)


def read_html(
    source: str,
    raw: bytes,
    options: ReadOptions,
    folder: str | None = None,
    url: str | None = None,
    fetched: datetime | None = None,
    charset: str | None = None,
) -> Page | ReadFailure:
    """One HTML page; `url`/`fetched`/`charset` come from the transport (WARC, HTTP) when known."""
    text = decode_page(source, raw, charset or declared_charset(raw))
    if isinstance(text, ReadFailure):
        return text
    root = parse_html(text)
    if root is None:
        return ReadFailure(source, "no HTML content", raw)
    meta = _metas(root)
    site_name = meta.get("og:site_name")
    title = _title(root, meta, site_name, _link_texts(root))
    canonical = _canonical(root, meta)
    region = find_region(root)
    published = _published(root, region, meta)
    headings = {h for h in (title, _first_h1(root)) if h}
    body = _strip_headline(render(clean(region)), headings)
    if not body:
        return ReadFailure(source, "no text found in the HTML page", raw)
    return Page(
        source=source,
        raw=raw,
        text=body,
        outlet=outlet_for(options, site_name, (canonical, url), folder, prefer_host=True),
        url=url or canonical,
        title=title,
        published=published,
        fetched=fetched,
        fmt="html",
        byline=_byline(meta),
    )


def html_to_text(html: str) -> str:
    """Text of an HTML fragment (a feed entry's content) in the page-text shape; plain text passes."""
    if "<" not in html:
        return "\n".join(line.strip() for line in html.replace("\r\n", "\n").split("\n")).strip()
    root = parse_html(html)
    if root is None:
        return ""
    body = root.find("body")
    return render(clean(body if body is not None else root))


def declared_charset(raw: bytes) -> str | None:
    """The charset a page declares in its <meta>, tried only when the bytes are not UTF-8."""
    match = _META_CHARSET.search(raw[:4096])
    return match.group(1).decode("ascii", "replace") if match else None


def parse_html(text: str) -> HtmlElement | None:
    """Parse a document or fragment; None when there is nothing to parse."""
    text = _XML_DECL.sub("", text, count=1)
    if not text.strip():
        return None
    try:
        return lxml_html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return None


def find_region(root: HtmlElement) -> HtmlElement:
    """The article region: <main>, else the main <article> or paragraph cluster grown to the chrome."""
    mains = root.xpath("//main | //*[@role='main']")
    if mains:
        return mains[0]
    articles = root.xpath("//article")
    start = max(articles, key=_text_length) if articles else _densest(root)
    body = root.find("body")
    if start is None:
        return body if body is not None else root
    return _grow(start, [el for el in root.iter() if _is_chrome(el)])


def clean(region: HtmlElement) -> HtmlElement:
    """Remove what is never article text: scripts, navigation, hidden parts, cookie and share bars."""
    doomed = [el for el in region.iter() if el is not region and _is_junk(el)]
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()
    return region


def render(element: HtmlElement) -> str:
    """Block-per-line text like a browser's innerText: blank line between blocks, "  • " list items."""
    parts: list[str] = []
    _walk(element, parts, in_item=False)
    text = _GAP.sub(_resolve_gap, "".join(parts))
    lines: list[str] = []
    for line in text.split("\n"):
        line = line.strip(" ")
        if line.startswith(_BULLET):
            item = line.replace(_BULLET, " ").strip(" ")
            if not item:
                continue
            line = "  • " + item
        if line or (lines and lines[-1]):
            lines.append(line.replace(_BULLET, " "))
    return "\n".join(lines).strip("\n")


def _walk(el: HtmlElement, parts: list[str], in_item: bool) -> None:
    """Emit text and break markers for one element; inside a list item blocks collapse to spaces."""
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag == "br":
        parts.append("\n")
    elif tag:
        opening, closing = _markers(tag, in_item)
        parts.append(opening)
        if el.text:
            parts.append(_SPACES.sub(" ", el.text))
        previous_link = False
        for child in el:
            is_link = child.tag == "a"
            if is_link and previous_link:
                parts.append(_LINK_SEPARATOR)  # "<a>tag</a> <a>tag</a>": keep the items apart
            _walk(child, parts, in_item or tag == "li")
            previous_link = is_link and not (child.tail or "").strip()
        parts.append(closing)
    if el.tail:
        parts.append(_SPACES.sub(" ", el.tail))


def _markers(tag: str, in_item: bool) -> tuple[str, str]:
    """What an element contributes before and after its content."""
    if tag == "li":
        return _SOFT + _BULLET, _SOFT
    if in_item and (tag in _BLOCK or tag in _LINE):
        return " ", " "
    if tag in _BLOCK:
        return _PARA, _PARA
    if tag in _LINE:
        return _SOFT, _SOFT
    if tag in _CELL:
        return " ", " "
    return "", ""


def _resolve_gap(match: re.Match[str]) -> str:
    """A run of spaces, <br> newlines and block markers becomes a space, a newline or one blank line."""
    gap = match.group(0)
    newlines = max(gap.count("\n"), 2 if _PARA in gap else 1 if _SOFT in gap else 0)
    return "\n" * min(newlines, 2) if newlines else " "


def _strip_headline(text: str, headings: set[str]) -> str:
    """Drop leading lines that repeat the headline: Page.title carries it already."""
    wanted = {_SPACES.sub(" ", h).strip() for h in headings}
    lines = text.split("\n")
    while lines and (not lines[0].strip() or _SPACES.sub(" ", lines[0]).strip() in wanted):
        lines.pop(0)
    return "\n".join(lines)


def _metas(root: HtmlElement) -> dict[str, str]:
    """<meta property|name|itemprop → content>, first occurrence wins."""
    found: dict[str, str] = {}
    for meta in root.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop")
        content = meta.get("content") or meta.get("datetime")
        if key and content and content.strip():
            found.setdefault(key.strip().lower(), content.strip())
    return found


def _title(root: HtmlElement, meta: dict[str, str], site_name: str | None, links: set[str]) -> str | None:
    """The headline: og:title, else the first <h1>, else <title> minus its " - Site" part; a
    candidate that is the text of one of the page's links is a section name ("أخبار العالم"),
    not the headline, and the next candidate is tried."""
    og = meta.get("og:title") or meta.get("twitter:title")
    title = root.findtext(".//title")
    candidates = (
        _drop_site(og, site_name, always=False) if og else None,
        _first_h1(root),
        _drop_site(_SPACES.sub(" ", title).strip(), site_name, always=True) if title else None,
    )
    return next((c for c in candidates if c and matching_key(c) not in links), None)


def _link_texts(root: HtmlElement) -> set[str]:
    """Matching keys of the short link texts in the page's chrome (navigation, header, menus,
    breadcrumbs): its section names. Links elsewhere may carry the headline itself."""
    found: set[str] = set()
    for anchor in root.iter("a"):
        if any(_is_chrome(el) or _BREADCRUMB.search(_class_id(el)) for el in anchor.iterancestors()):
            text = _SPACES.sub(" ", anchor.text_content()).strip()
            if text and len(text.split()) <= _SECTION_WORDS:
                found.add(matching_key(text))
    return found


_SECTION_WORDS = 4
_BREADCRUMB = re.compile(r"breadcrumb|menu")


def _byline(meta: dict[str, str]) -> str | None:
    """The page's author or dateline meta, when it names someone (not a profile URL)."""
    for key in ("author", "article:author", "dc.creator", "byl"):
        value = meta.get(key)
        if value and not value.lower().startswith(("http://", "https://")):
            return value
    return None


def _drop_site(title: str, site_name: str | None, always: bool) -> str | None:
    """Remove the site-name part of a title; <title> loses its last part even when the site is unknown."""
    seps = list(_TITLE_SEP.finditer(title))
    site = (site_name or "").strip()
    if seps and site and title[seps[-1].end() :].strip() == site:
        title = title[: seps[-1].start()]
    elif seps and site and title[: seps[0].start()].strip() == site:
        title = title[seps[0].end() :]
    elif seps and always:
        title = title[: seps[-1].start()]
    return title.strip() or None


def _first_h1(root: HtmlElement) -> str | None:
    h1 = root.find(".//h1")
    if h1 is None:
        return None
    return _SPACES.sub(" ", h1.text_content()).strip() or None


def _canonical(root: HtmlElement, meta: dict[str, str]) -> str | None:
    for link in root.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            return str(link.get("href")).strip()
    return meta.get("og:url")


def _published(root: HtmlElement, region: HtmlElement, meta: dict[str, str]) -> datetime | None:
    """article:published_time, else JSON-LD datePublished, else the first <time datetime>."""
    for key in _PUBLISHED_META:
        parsed = parse_datetime(meta.get(key))
        if parsed:
            return parsed
    for script in root.xpath("//script[@type='application/ld+json']"):
        parsed = parse_datetime(_find_key(_load_json(script.text or ""), "datePublished"))
        if parsed:
            return parsed
    for scope in (region, root):
        for time in scope.iter("time"):
            parsed = parse_datetime(time.get("datetime"))
            if parsed:
                return parsed
    return None


def _load_json(text: str) -> object:
    try:
        return orjson.loads(text.strip())
    except orjson.JSONDecodeError:
        return None


def _find_key(data: object, key: str) -> object:
    """The first value under `key` anywhere in a JSON-LD tree (it nests in @graph lists)."""
    if isinstance(data, dict):
        if key in data:
            return data[key]
        data = list(data.values())
    if isinstance(data, list):
        for item in data:
            found = _find_key(item, key)
            if found is not None:
                return found
    return None


def _text_length(el: HtmlElement) -> int:
    return len(el.text_content())


def _densest(root: HtmlElement) -> HtmlElement | None:
    """The element holding the most paragraph text directly: the article body on pages without tags."""
    scores: dict[HtmlElement, int] = {}
    for p in root.iter("p"):
        parent = p.getparent()
        if parent is not None:
            scores[parent] = scores.get(parent, 0) + len(p.text_content())
    for br in root.iter("br"):
        parent = br.getparent()
        if parent is not None:
            scores[parent] = scores.get(parent, 0) + len(br.tail or "")
    return max(scores, key=scores.__getitem__) if scores else None


def _grow(start: HtmlElement, chrome: Iterable[HtmlElement]) -> HtmlElement:
    """Widen the region while the enclosing element holds no page chrome outside the region."""
    chrome_ancestors = [set(el.iterancestors()) | {el} for el in chrome]
    current = start
    while True:
        parent = current.getparent()
        if parent is None or parent.tag == "html":
            return current
        if any(parent in ancestors and current not in ancestors for ancestors in chrome_ancestors):
            return current
        current = parent


def _is_chrome(el: HtmlElement) -> bool:
    """Page chrome: site navigation, page header and footer, cookie bars."""
    if not isinstance(el.tag, str):
        return False
    if el.tag == "nav" or el.get("role") in _CHROME_ROLES:
        return True
    if el.tag in ("header", "footer"):
        return not _inside_article(el)
    return bool(_CHROME_CLASS.search(_class_id(el))) and not _inside_article(el)


def _is_junk(el: HtmlElement) -> bool:
    """Never article text, wherever it sits: scripts, navigation, hidden parts, cookie and share bars."""
    if not isinstance(el.tag, str):
        return False
    if el.tag in _DROP or el.get("role") in _CHROME_ROLES:
        return True
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    if _HIDDEN_STYLE.search(el.get("style") or ""):
        return True
    parent = el.getparent()
    if el.tag in ("header", "footer") and parent is not None and parent.tag in ("body", "html"):
        return True
    return bool(_JUNK_CLASS.search(_class_id(el)))


def _class_id(el: HtmlElement) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}".lower()


def _inside_article(el: HtmlElement) -> bool:
    return any(a.tag == "article" for a in el.iterancestors())
