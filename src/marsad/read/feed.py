"""RSS and Atom feeds (feedparser), from a file or an http(s) URL: every entry is a Page.

Fetching uses urllib with ReadOptions.feed_timeout; an unreachable URL is a failure naming the
URL and the error, never an exception, so one dead feed does not stop an ingest.
"""

from __future__ import annotations

import calendar
import http.client
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import feedparser

from marsad.model import Page, ReadFailure
from marsad.read.common import Item, json_bytes, outlet_for, read_limited, size_failure
from marsad.read.html import html_to_text
from marsad.read.options import ReadOptions

USER_AGENT = "marsad/0.1 (+feed reader)"


def fetch_feed(url: str, options: ReadOptions) -> Iterator[Item]:
    """Fetch a feed URL and read its entries; network and HTTP errors become one failure."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=options.feed_timeout) as response:
            raw = read_limited(response, url, options)
    except urllib.error.URLError as exc:
        yield ReadFailure(url, f"cannot fetch feed {url}: {exc.reason}")
        return
    except (OSError, ValueError, http.client.HTTPException) as exc:
        yield ReadFailure(url, f"cannot fetch feed {url}: {type(exc).__name__}: {exc}")
        return
    if isinstance(raw, bytes):
        yield from read_feed(url, raw, options, base_url=url)
    else:
        yield raw


def read_feed(
    source: str, raw: bytes, options: ReadOptions, folder: str | None = None, base_url: str | None = None
) -> Iterator[Item]:
    """Entries of an RSS/Atom document; located as `feed#index`."""
    parsed = feedparser.parse(raw, response_headers={"content-location": base_url} if base_url else None)
    if not parsed.entries and (parsed.bozo or not parsed.get("version")):
        problem = parsed.get("bozo_exception") or "no RSS or Atom elements"
        yield ReadFailure(source, f"not a valid RSS/Atom feed ({problem})", raw)
        return
    feed = parsed.feed
    outlet = outlet_for(options, feed.get("title"), (feed.get("link"), base_url), folder, prefer_host=True)
    for index, entry in enumerate(parsed.entries):
        yield entry_page(entry, f"{source}#{index}", index, outlet, options)


def entry_page(entry: Any, source: str, index: int, outlet: str | None, options: ReadOptions) -> Item:
    """One entry: its content (or summary) as page text; raw is the entry's own fields as JSON."""
    body = _entry_html(entry)
    raw = json_bytes(
        {key: dict.get(entry, key) for key in ("id", "link", "title", "published", "updated")}
        | {"content": body}
    )
    failure = size_failure(source, raw, options)
    if failure:
        return failure
    text = html_to_text(body)
    if not text:
        return ReadFailure(source, f"feed entry {index} has no text (title: {entry.get('title')!r})", raw)
    return Page(
        source=source,
        raw=raw,
        text=text,
        outlet=outlet,
        url=entry.get("link"),
        title=(entry.get("title") or "").strip() or None,
        published=_entry_time(entry),
        fmt="feed-entry",
    )


def _entry_html(entry: Any) -> str:
    """The fullest body an entry has: content:encoded / Atom content, else the summary."""
    for content in entry.get("content") or ():
        if content.get("value", "").strip():
            return str(content["value"])
    return str(entry.get("summary") or "")


def _entry_time(entry: Any) -> datetime | None:
    """feedparser normalizes entry dates to UTC struct_time; make them aware datetimes."""
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC) if parsed else None
