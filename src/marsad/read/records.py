"""JSON arrays, JSON objects and JSON Lines of news records → one Page(fmt="record") per record.

Field names are auto-detected for the common corpus schemas (SaudiNewsNet, ANT, news-please,
NewsAPI-like dumps) and can be overridden with ReadOptions.fields. This path reads whole corpora,
so the per-record work is a few dict look-ups, one orjson call and datetime.fromisoformat.
"""

from __future__ import annotations

import codecs
import html
import io
import json
import re
from collections.abc import Iterable, Iterator

import orjson

from marsad.model import Page, ReadFailure
from marsad.read.common import Item, json_bytes, outlet_for, parse_datetime, size_failure
from marsad.read.options import ReadOptions

FIELD_CANDIDATES: dict[str, tuple[str, ...]] = {
    "text": ("content", "text", "body", "article", "maintext"),
    "title": ("title", "headline"),
    "url": ("url", "link"),
    "published": ("date", "published", "published_at", "pubDate", "date_publish", "datePublished"),
    "fetched": ("date_extracted", "crawled_at", "fetched_at", "date_download"),
    "outlet": ("source", "outlet", "site", "domain", "publisher", "source_domain"),
    "byline": ("author", "authors", "byline", "dateline", "creator"),
}


def field_names(options: ReadOptions) -> dict[str, tuple[str, ...]]:
    """Candidate field names per role; an override in ReadOptions.fields replaces the candidates."""
    return {
        role: (options.fields[role],) if role in options.fields else names
        for role, names in FIELD_CANDIDATES.items()
    }


def read_json(source: str, raw: bytes, options: ReadOptions, folder: str | None = None) -> Iterator[Item]:
    """A .json file: an array of records, one record object, or (mislabelled) JSON Lines."""
    body = raw[len(codecs.BOM_UTF8) :] if raw.startswith(codecs.BOM_UTF8) else raw
    if not body.strip():
        yield ReadFailure(source, "empty file", raw)
        return
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        head = body.lstrip()[:1]
        if head == b"[":
            yield from _salvage_array(source, body, options, folder)
        elif head == b"{" and _first_line_is_object(body):
            yield from read_json_lines(source, io.BytesIO(body), options, folder)
        else:
            yield ReadFailure(source, f"invalid JSON ({exc})", raw)
        return
    if isinstance(data, list):
        yield from _array_records(source, data, options, folder)
    elif isinstance(data, dict):
        yield record_page(data, body.strip(), f"{source}#0", "record 0", options, folder)
    else:
        yield ReadFailure(
            source, f"JSON holds a {type(data).__name__}, not records (an array or object)", raw
        )


def read_json_lines(
    source: str, lines: Iterable[bytes], options: ReadOptions, folder: str | None = None
) -> Iterator[Item]:
    """Stream JSON Lines: memory stays bounded by one line; a bad line fails alone, naming its number."""
    names = field_names(options)
    for index, line in enumerate(lines):
        raw = line.rstrip(b"\r\n")
        if index == 0 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
        if not raw.strip():
            continue
        locator, label = f"{source}#{index}", f"record {index} (line {index + 1})"
        failure = size_failure(locator, raw, options)
        if failure:
            yield failure
            continue
        try:
            record = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            yield ReadFailure(locator, f"line {index + 1}: invalid JSON ({exc})", raw)
            continue
        if not isinstance(record, dict):
            yield ReadFailure(locator, f"line {index + 1}: not a JSON object", raw)
            continue
        yield record_page(record, raw, locator, label, options, folder, names)


def record_page(
    record: dict[str, object],
    raw: bytes,
    source: str,
    label: str,
    options: ReadOptions,
    folder: str | None = None,
    names: dict[str, tuple[str, ...]] | None = None,
) -> Item:
    """One record as a Page, or a failure saying which fields it has when it has no text."""
    names = names or field_names(options)
    text = _text(_pick(record, names["text"]))
    if not text:
        empty = next((f"field {name!r} is empty; " for name in names["text"] if name in record), "")
        fields = ", ".join(map(str, record)) or "none"
        return ReadFailure(source, f"{label} has no text ({empty}fields present: {fields})", raw)
    url = _string(_pick(record, names["url"]))
    title = _string(_pick(record, names["title"]))
    byline = _byline(_pick(record, names["byline"]))
    return Page(
        source=source,
        raw=raw,
        text=unescape_entities(text),
        outlet=outlet_for(options, _outlet(_pick(record, names["outlet"])), (url,), folder),
        url=url,
        title=unescape_entities(title) if title else None,
        published=parse_datetime(_pick(record, names["published"])),
        fetched=parse_datetime(_pick(record, names["fetched"])),
        fmt="record",
        byline=unescape_entities(byline) if byline else None,
    )


def _array_records(
    source: str, data: list[object], options: ReadOptions, folder: str | None
) -> Iterator[Item]:
    """Records of a parsed array; each keeps its own re-serialized bytes as raw."""
    names = field_names(options)
    for index, record in enumerate(data):
        locator = f"{source}#{index}"
        raw = json_bytes(record)
        failure = size_failure(locator, raw, options)
        if failure:
            yield failure
        elif not isinstance(record, dict):
            yield ReadFailure(locator, f"record {index} is not a JSON object", raw)
        else:
            yield record_page(record, raw, locator, f"record {index}", options, folder, names)


def _salvage_array(source: str, body: bytes, options: ReadOptions, folder: str | None) -> Iterator[Item]:
    """A broken or truncated array: read the records before the damage, then say where it is."""
    text = body.decode("utf-8", errors="replace")
    decoder = json.JSONDecoder()
    records: list[object] = []
    position = text.index("[") + 1
    error = "unexpected end of data"
    while True:
        position = _skip(text, position, " \t\r\n")
        if position >= len(text) or text[position] == "]":
            break
        try:
            record, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            error = f"{exc.msg} at character {exc.pos}"
            break
        records.append(record)
        position = _skip(text, position, " \t\r\n")
        if position < len(text) and text[position] == ",":
            position += 1
    yield from _array_records(source, records, options, folder)
    yield ReadFailure(
        source, f"truncated or corrupt JSON array: {len(records)} records read before the damage ({error})"
    )


def _skip(text: str, position: int, chars: str) -> int:
    while position < len(text) and text[position] in chars:
        position += 1
    return position


def _first_line_is_object(body: bytes) -> bool:
    """Does the file look like JSON Lines (its first line a whole JSON object)?"""
    first = body.lstrip().split(b"\n", 1)[0]
    try:
        return isinstance(orjson.loads(first), dict)
    except orjson.JSONDecodeError:
        return False


def _pick(record: dict[str, object], names: tuple[str, ...]) -> object:
    """The first candidate field present with a value."""
    for name in names:
        value = record.get(name)
        if value is not None and value != "":
            return value
    return None


def _text(value: object) -> str | None:
    """Body text as published; a list of paragraphs is joined with blank lines (page-text shape)."""
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, list) and all(isinstance(part, str) for part in value):
        joined = "\n\n".join(part for part in value if part.strip())
        return joined or None
    return None


_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def unescape_entities(text: str) -> str:
    """HTML entities a crawler left in a record's fields ("&quot;", "&#8220;", "&nbsp;") as the
    characters they stand for. Only complete entities (with their ";"): "R&D" and "AT&T" stay."""
    if "&" not in text:
        return text
    return _ENTITY.sub(lambda m: html.unescape(m.group()), text)


def _byline(value: object) -> str | None:
    """A byline field: a string, or a list of authors (news-please) joined with "، "."""
    if isinstance(value, list):
        value = "، ".join(v for v in value if isinstance(v, str) and v.strip())
    return _string(value)


def _string(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _outlet(value: object) -> str | None:
    """Outlet names come as strings or as {"name": ...} objects (NewsAPI)."""
    if isinstance(value, dict):
        value = value.get("name") or value.get("id")
    return _string(value)
