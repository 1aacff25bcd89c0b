"""What every reader shares: the one size limit, the one outlet rule, the one date parser, decoding.

Keeping these in one place is what makes a page read from a .txt file, a WARC record, a JSON
record or a feed entry come out with the same outlet, the same kind of datetime and the same
refusal when it is too large.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import IO
from urllib.parse import urlsplit

import orjson

from marsad.model import Page, ReadFailure
from marsad.read.encoding import DecodeError, decode
from marsad.read.options import ReadOptions

Item = Page | ReadFailure

_HOST_LIKE = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9]$", re.IGNORECASE)
_NOT_TLDS = frozenset({"zip", "gz", "json", "jsonl", "ndjson", "warc", "html", "htm", "txt", "xml", "d"})


@dataclass(frozen=True, slots=True)
class Blob:
    """One input file wherever it lives (disk, zip member, gzip stream, memory), opened lazily.

    `source` is the locator used in pages and failures; `name` decides the format; `folder` is the
    directory the file sits in, for the outlet rule; `size` is known for files and zip members.
    """

    source: str
    name: str
    open: Callable[[], IO[bytes]]
    size: int | None = None
    folder: str | None = None


def json_bytes(value: object) -> bytes:
    """A record as the JSON bytes a page keeps as raw. orjson returns its output in a buffer of
    at least 32 KB whatever the length, and a page holds its raw bytes until they are stored:
    an exact-size copy takes a tenth of the memory."""
    return memoryview(orjson.dumps(value)).tobytes()


def read_limited(
    stream: IO[bytes], source: str, options: ReadOptions, size: int | None = None
) -> bytes | Item:
    """Read one page/record/member from a stream, refusing it when it exceeds `max_page_bytes`.

    With a known size the whole oversized input is kept as raw; a stream of unknown size (gzip,
    HTTP) is read only up to the limit, so a decompression bomb cannot exhaust memory.
    """
    limit = options.max_page_bytes
    data = stream.read() if size is not None and size > limit else stream.read(limit + 1)
    failure = size_failure(source, data, options, complete=size is not None or len(data) <= limit)
    return failure or data


def size_failure(source: str, raw: bytes, options: ReadOptions, complete: bool = True) -> ReadFailure | None:
    """The one size check: a page over `max_page_bytes` is a dump or an error, not a news page."""
    limit = options.max_page_bytes
    if len(raw) <= limit:
        return None
    size = f"{len(raw):,} bytes" if complete else f"more than {limit:,} bytes (first {len(raw):,} kept)"
    return ReadFailure(
        source, f"page is {size}, larger than the page limit of {limit:,} bytes (max_page_bytes)", raw
    )


def decode_page(source: str, raw: bytes, declared: str | None = None) -> str | ReadFailure:
    """Decode page bytes or say why not: the one place where readers turn DecodeError into a failure."""
    try:
        return decode(raw, declared)
    except DecodeError as exc:
        return ReadFailure(source, f"cannot decode: {exc}", raw)


def outlet_for(
    options: ReadOptions,
    declared: str | None = None,
    urls: tuple[str | None, ...] = (),
    folder: str | None = None,
    prefer_host: bool = False,
) -> str | None:
    """The outlet of a page: forced by options, else declared by the page, else a URL's host, else folder.

    `ReadOptions.outlet` forces the outlet of every page read (its documented contract). A folder
    counts only when its name looks like a host name (`pages/al-madar.example/x.txt`).
    With `prefer_host` (web pages and feeds, whose declared name is a display label such as
    og:site_name "الساحل نيوز"), the host comes first, so an outlet's HTML pages, feeds and text
    pages saved under its host name all carry one outlet name. Records keep their dataset's label.
    """
    if options.outlet:
        return options.outlet
    label = declared.strip() if declared and declared.strip() else None
    if label and not prefer_host:
        return label
    for url in urls:
        host = host_of(url)
        if host:
            return host
    return (folder_outlet(folder) if folder else None) or label


def host_of(url: str | None) -> str | None:
    """The host of an absolute http(s) URL without a leading www., or None."""
    if not url or "//" not in url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


@lru_cache(maxsize=1024)
def folder_outlet(folder: str) -> str | None:
    """The folder's name when it looks like a host name (has a dot and a plausible top-level label)."""
    name = os.path.basename(folder.rstrip("/\\"))
    if not _HOST_LIKE.match(name) or name.rsplit(".", 1)[1].lower() in _NOT_TLDS:
        return None
    return name.lower()


def parse_datetime(value: object) -> datetime | None:
    """A timezone-aware datetime from ISO 8601, RFC 822 (RSS) or epoch seconds; None if unparseable.

    Naive values ("2015-07-21 02:51:32") are taken as UTC so every datetime in Marsad compares with
    every other. fromisoformat first: it is the fast path for the bulk of record dates.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(value, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def guarded(items: Iterator[Item], source: str) -> Iterator[Item]:
    """Run a reader and turn whatever it raises mid-way into a failure after the good items.

    Truncated gzip/zip/WARC streams surface as exceptions deep in the reading; this is where they
    become a ReadFailure instead of aborting the whole run.
    """
    try:
        yield from items
    except Exception as exc:  # zlib, zipfile, warcio, lxml and OS errors all mean "cannot read on"
        yield ReadFailure(source, describe_error(exc))


def describe_error(exc: BaseException) -> str:
    """A human reason for a read error; truncation and corruption are named as such."""
    kind = type(exc).__name__
    text = str(exc) or kind
    lowered = f"{kind} {text}".lower()
    if any(
        word in lowered for word in ("eof", "truncat", "ended", "corrupt", "crc", "bad", "zlib", "decompress")
    ):
        return f"truncated or corrupt input ({kind}: {text})"
    if isinstance(exc, OSError) and exc.strerror:
        return f"cannot read: {exc.strerror}"
    return f"cannot read ({kind}: {text})"
