"""HTML, WARC and feed reading: the page-text contract and the metadata."""

from __future__ import annotations

import gzip
import io
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from marsad.model import Page, ReadFailure
from marsad.read import read_bytes, read_paths
from marsad.read.html import html_to_text

HEADLINE = "الكرملين ينفي اتصالات سرية بين بوتين وماسك"
P1 = (
    "رد الكرملين، اليوم الجمعة، على تقرير صحافي أفاد بأن الرئيس الروسي فلاديمير بوتين والملياردير إيلون ماسك."
)
P1B = 'ونفت الرئاسة الروسية صحة التقرير الذي أوردته صحيفة "وول ستريت جورنال" الأميركية.'
P2 = 'وبحسب تقرير "وول ستريت جورنال"، فإن بوتين بحث أمورا شخصية وسياسية مع الملياردير.'

NEWS_PAGE = f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>{HEADLINE} - صحيفة الاتحاد</title>
<meta property="og:site_name" content="صحيفة الاتحاد">
<meta property="article:published_time" content="2024-10-25T10:30:00+04:00">
<link rel="canonical" href="https://www.alittihad.example/news/1">
<script>var x = "<p>script text</p>";</script><style>.a{{color:red}}</style>
</head><body>
<div id="cookie-bar">نستخدم ملفات تعريف الارتباط <button>موافق</button></div>
<header class="site-header"><nav><ul><li><a href="/">الرئيسية</a></li><li><a href="/w">عربي ودولي</a></li>
</ul></nav></header>
<div class="container"><div class="row">
<article>
<h1>{HEADLINE}</h1>
<div class="share-buttons"><a href="#">فيسبوك</a> <a href="#">تويتر</a></div>
<div class="body">
<p>{P1}<br>{P1B}</p>
<p>{P2}</p>
<div class="related"><span>أخبار ذات صلة</span> <a href="/a">بوتين يجدد شرط بلاده</a>
<a href="/b">بوتين يحذر من حرب</a>
المصدر: آ ف ب</div>
<p>المصدر: صحيفة الاتحاد</p>
<div class="tags">كلمات دلالية: <a href="/t/1">فلاديمير بوتين</a> <a href="/t/2">إيلون ماسك</a></div>
</div>
</article>
<div class="read-also"><h3>إقرأ أيضاً:</h3>
<h2>تقرير: كيف تصدت أوكرانيا لأسطول الدفاع البحري الروسي الكبير؟</h2>
<p>ربما يكون الجانب البحري للحرب في أوكرانيا الأقل بروزا.</p>
<div class="ad"><span>إعلان</span><div id="gpt-ad-1"></div></div>
<p style="display:none">نص مخفي</p>
<p>وتتفوق البحرية الروسية من ناحية العدد على عدوتها الأوكرانية.</p>
</div>
<section class="similar"><h3>مقالات مشابهة</h3><ul>
<li><a href="/s1">إيلون ماسك يعلن دعمه لانسحاب الولايات المتحدة من الناتو</a></li>
<li><a href="/s2"><p>المجر تدعو الاتحاد الأوروبي</p> <p>لبدء محادثات سلام مع بوتين</p></a></li>
</ul></section>
</div></div>
<footer><p>جميع الحقوق محفوظة © الاتحاد 2024</p><ul><li><a href="/about">من نحن</a></li></ul></footer>
</body></html>"""

# Neighbouring links come out with the list separator " | ", so the segmenter can split them.
EXPECTED_TEXT = f"""{P1}
{P1B}

{P2}

أخبار ذات صلة بوتين يجدد شرط بلاده | بوتين يحذر من حرب المصدر: آ ف ب

المصدر: صحيفة الاتحاد

كلمات دلالية: فلاديمير بوتين | إيلون ماسك

إقرأ أيضاً:

تقرير: كيف تصدت أوكرانيا لأسطول الدفاع البحري الروسي الكبير؟

ربما يكون الجانب البحري للحرب في أوكرانيا الأقل بروزا.

إعلان

وتتفوق البحرية الروسية من ناحية العدد على عدوتها الأوكرانية.

مقالات مشابهة

  • إيلون ماسك يعلن دعمه لانسحاب الولايات المتحدة من الناتو
  • المجر تدعو الاتحاد الأوروبي لبدء محادثات سلام مع بوتين"""


def html_page(tmp_path: Path, html: str, name: str = "page.html") -> Page:
    path = tmp_path / name
    path.write_text(html, encoding="utf-8")
    items = list(read_paths([str(path)]))
    assert len(items) == 1 and isinstance(items[0], Page), items
    return items[0]


def test_html_text_has_the_seed_shape_and_keeps_boilerplate(tmp_path: Path) -> None:
    page = html_page(tmp_path, NEWS_PAGE)
    assert page.text == EXPECTED_TEXT
    assert page.fmt == "html"
    assert page.title == HEADLINE and not page.text.startswith(HEADLINE)
    # The host names the outlet (og:site_name is a display label that differs across formats).
    assert page.outlet == "alittihad.example"
    assert page.url == "https://www.alittihad.example/news/1"
    assert page.published == datetime(2024, 10, 25, 10, 30, tzinfo=timezone(timedelta(hours=4)))
    for chrome in ("الرئيسية", "ملفات تعريف الارتباط", "جميع الحقوق", "script text", "فيسبوك", "نص مخفي"):
        assert chrome not in page.text


def test_html_metadata_fallbacks(tmp_path: Path) -> None:
    html = f"""<html><head><title>{HEADLINE} | موقع المدار</title>
    <meta property="og:url" content="https://www.al-madar.example/a/1">
    <script type="application/ld+json">{{"@graph": [{{"@type": "NewsArticle",
      "datePublished": "2024-10-25T06:30:00Z"}}]}}</script></head>
    <body><main><h2>{HEADLINE}</h2><p>{P1}</p></main></body></html>"""
    page = html_page(tmp_path, html)
    assert page.title == HEADLINE
    assert page.text == P1
    assert page.outlet == "al-madar.example" and page.url == "https://www.al-madar.example/a/1"
    assert page.published == datetime(2024, 10, 25, 6, 30, tzinfo=UTC)


def test_html_without_metadata_uses_time_element_and_folder(tmp_path: Path) -> None:
    folder = tmp_path / "al-madar.example"
    folder.mkdir()
    html = f"""<html><body><div class="menu"><a>أخبار</a></div>
    <div id="content"><h1>{HEADLINE}</h1><time datetime="2024-10-25 08:00">اليوم</time>
    <p>{P1}</p><p>{P2}</p></div></body></html>"""
    page = html_page(folder, html, "p.htm")
    assert page.outlet == "al-madar.example" and page.title == HEADLINE
    assert page.published == datetime(2024, 10, 25, 8, 0, tzinfo=UTC)
    assert page.text == f"اليوم\n\n{P1}\n\n{P2}"


def test_html_without_text_is_a_failure(tmp_path: Path) -> None:
    path = tmp_path / "blank.html"
    path.write_text("<html><body><script>x()</script></body></html>", encoding="utf-8")
    (failure,) = list(read_paths([str(path)]))
    assert isinstance(failure, ReadFailure) and "no text" in failure.reason


def test_html_to_text_for_fragments() -> None:
    assert html_to_text(f"<p>{P1}</p><ul><li>أ</li><li>ب</li></ul>") == f"{P1}\n\n  • أ\n  • ب"
    assert html_to_text(f"  {P1}\r\n{P2}  ") == f"{P1}\n{P2}"
    assert html_to_text("") == ""


def write_warc(records: list[tuple[str, str, bytes, str]], *, gz: bool) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gz)
    for uri, content_type, body, status in records:
        headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            uri,
            "response",
            payload=io.BytesIO(body),
            http_headers=headers,
            warc_headers_dict={"WARC-Date": "2024-10-25T12:00:00Z"},
        )
        writer.write_record(record)
    return buffer.getvalue()


WARC_RECORDS = [
    ("https://www.alittihad.example/news/1", "text/html; charset=utf-8", NEWS_PAGE.encode(), "200 OK"),
    ("https://www.alittihad.example/logo.png", "image/png", b"\x89PNG\r\n\x1a\n" + bytes(200), "200 OK"),
    ("https://www.alittihad.example/old", "text/html", b"<html>moved</html>", "301 Moved Permanently"),
    ("https://other.example/p/2", "text/html", f"<html><body><p>{P2}</p></body></html>".encode(), "200 OK"),
]


def test_warc_html_responses_become_pages(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(write_warc(WARC_RECORDS, gz=True))
    items = list(read_paths([str(path)]))
    assert all(isinstance(i, Page) for i in items) and len(items) == 2
    first, second = items
    assert isinstance(first, Page) and isinstance(second, Page)
    assert first.url == "https://www.alittihad.example/news/1" and first.text == EXPECTED_TEXT
    assert first.fetched == datetime(2024, 10, 25, 12, 0, tzinfo=UTC)
    assert first.source.startswith(f"{path}#")
    assert second.url == "https://other.example/p/2" and second.outlet == "other.example"
    assert second.text == P2


def test_truncated_warc_yields_good_pages_then_a_failure(tmp_path: Path) -> None:
    data = write_warc([WARC_RECORDS[0], WARC_RECORDS[3], WARC_RECORDS[0]], gz=False)
    path = tmp_path / "cut.warc"
    path.write_bytes(data[: len(data) - 500])
    items = list(read_paths([str(path)]))
    assert [type(i).__name__ for i in items[:2]] == ["Page", "Page"]
    assert isinstance(items[-1], ReadFailure) and str(path) in items[-1].message()
    assert len(items) == 3


def test_truncated_warc_gz_names_the_cut(tmp_path: Path) -> None:
    data = write_warc([WARC_RECORDS[0], WARC_RECORDS[3], WARC_RECORDS[0]], gz=True)
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(data[: len(data) // 2])
    items = list(read_paths([str(path)]))
    assert isinstance(items[0], Page) and items[0].url == WARC_RECORDS[0][0]
    failure = items[-1]
    assert isinstance(failure, ReadFailure) and failure.source == str(path)
    assert "truncated or corrupt WARC" in failure.reason


FEED = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>صحيفة الاتحاد</title><link>https://www.alittihad.example/</link>
<item><title>{HEADLINE}</title><link>https://www.alittihad.example/news/1</link>
<pubDate>Fri, 25 Oct 2024 10:30:00 +0400</pubDate>
<description>ملخص</description>
<content:encoded><![CDATA[<p>{P1}</p><p>{P2}</p>]]></content:encoded></item>
<item><title>خبر قصير</title><link>https://www.alittihad.example/news/2</link>
<description>&lt;p&gt;{P2}&lt;/p&gt;</description></item>
<item><title>بلا نص</title><link>https://www.alittihad.example/news/3</link></item>
</channel></rss>"""


def test_feed_file_entries(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_text(FEED, encoding="utf-8")
    items = list(read_paths([str(path)]))
    first, second, third = items
    assert isinstance(first, Page) and isinstance(second, Page) and isinstance(third, ReadFailure)
    assert first.fmt == "feed-entry" and first.source == f"{path}#0"
    assert first.text == f"{P1}\n\n{P2}" and first.title == HEADLINE
    assert first.url == "https://www.alittihad.example/news/1" and first.outlet == "alittihad.example"
    assert first.published == datetime(2024, 10, 25, 6, 30, tzinfo=UTC)
    assert second.text == P2
    assert "feed entry 2 has no text" in third.reason


def test_atom_feed_by_sniffing() -> None:
    atom = f"""<feed xmlns="http://www.w3.org/2005/Atom"><title>المدار</title>
    <entry><title>{HEADLINE}</title><link href="https://al-madar.example/1"/>
    <updated>2024-10-25T06:30:00Z</updated>
    <content type="html">&lt;p&gt;{P1}&lt;/p&gt;</content></entry></feed>"""
    (page,) = list(read_bytes("feed", atom.encode()))
    assert isinstance(page, Page) and page.text == P1 and page.outlet == "المدار"


def test_not_a_feed(tmp_path: Path) -> None:
    path = tmp_path / "x.rss"
    path.write_bytes(gzip.compress(b"nothing"))
    (failure,) = list(read_paths([str(path)]))
    assert isinstance(failure, ReadFailure) and "not a valid RSS/Atom feed" in failure.reason


def test_a_section_name_title_is_not_the_headline_and_the_author_is_the_byline() -> None:
    page = """<html lang="ar"><head><title>أخبار العالم | موقع الخبر</title>
<meta name="author" content="لندن - رويترز"></head><body>
<nav><a href="/">الرئيسية</a> <a href="/world">أخبار العالم</a></nav>
<article><p>أعلنت الحكومة البريطانية اليوم خطة جديدة لدعم قطاع الطاقة المتجددة في البلاد.</p>
<p>وقال وزير الطاقة إن الخطة تشمل استثمارات بمليارات الجنيهات خلال خمس سنوات.</p></article>
</body></html>"""
    (found,) = list(read_bytes("world.html", page.encode()))
    assert isinstance(found, Page)
    assert found.title is None  # "أخبار العالم" is a menu entry: the page's section, not its headline
    assert found.byline == "لندن - رويترز"


def test_record_fields_lose_html_entities() -> None:
    record = (
        '{"title": "ارتفاع &quot;فلكي&quot; للأسعار", "author": "&nbsp;واس (جدة)",'
        ' "content": "نص &#8220;الخبر&#8221; وR&D"}'
    )
    (found,) = list(read_bytes("day.json", record.encode()))
    assert isinstance(found, Page)
    assert found.title == 'ارتفاع "فلكي" للأسعار'
    assert found.byline == "\xa0واس (جدة)" and found.text == "نص “الخبر” وR&D"
