"""WARC and WARC.gz archives (warcio): every 2xx HTML response or resource record is an HTML page.

Other records (requests, metadata, images, redirects, revisits) are not pages and are skipped;
a truncated or corrupt archive yields the pages before the damage, then a failure (the caller's
guard turns warcio's exception into it).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import IO

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord

from marsad.model import ReadFailure
from marsad.read.common import Item, parse_datetime, read_limited
from marsad.read.html import read_html
from marsad.read.options import ReadOptions

_PAGE_TYPES = ("html", "xhtml")


def read_warc(
    source: str, stream: IO[bytes], options: ReadOptions, folder: str | None = None
) -> Iterator[Item]:
    """Pages of a WARC; each is located as `archive#offset` (the record's byte offset, as in CDX)."""
    records = ArchiveIterator(stream, arc2warc=True)
    for record in records:
        if not is_html_page(record):
            continue
        # `offset` is where this record starts; get_record_offset() would consume the record first.
        locator = f"{source}#{records.offset}"
        raw = read_limited(record.content_stream(), locator, options)
        if not isinstance(raw, bytes):
            yield raw
            continue
        missing = _missing_bytes(record)
        if missing:
            yield ReadFailure(locator, f"truncated or corrupt WARC record: {missing:,} bytes missing", raw)
            continue
        yield read_html(
            locator,
            raw,
            options,
            folder,
            url=record.rec_headers.get_header("WARC-Target-URI"),
            fetched=parse_datetime(record.rec_headers.get_header("WARC-Date")),
            charset=_charset(_content_type(record)),
        )
    unread = _unread_bytes(stream, records)
    if unread:
        yield ReadFailure(
            source, f"truncated or corrupt WARC: the last {unread:,} bytes hold no readable record"
        )


def _unread_bytes(stream: IO[bytes], records: ArchiveIterator) -> int:
    """Bytes after the last record warcio could parse: a cut gzip member ends iteration silently."""
    try:
        end = stream.seek(0, io.SEEK_END)
    except (OSError, ValueError):
        return 0
    offset = records.offset
    return end - offset if isinstance(offset, int) and end > offset else 0


def is_html_page(record: ArcWarcRecord) -> bool:
    """A successful HTML response, or an HTML resource record."""
    if record.rec_type not in ("response", "resource"):
        return False
    if record.rec_type == "response" and record.http_headers is not None:
        status = record.http_headers.get_statuscode() or ""
        if not status.startswith("2"):
            return False
    return any(kind in _content_type(record) for kind in _PAGE_TYPES)


def _missing_bytes(record: ArcWarcRecord) -> int:
    """Bytes the record header promised but the file did not hold (warcio reads a cut record quietly)."""
    remaining = getattr(record.raw_stream, "limit", 0)
    return remaining if isinstance(remaining, int) and remaining > 0 else 0


def _content_type(record: ArcWarcRecord) -> str:
    headers = record.http_headers if record.http_headers is not None else record.rec_headers
    return str(headers.get_header("Content-Type") or "").lower()


def _charset(content_type: str) -> str | None:
    for param in content_type.split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None
