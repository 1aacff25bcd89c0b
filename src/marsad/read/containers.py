"""Dispatch one input (file, zip member, gzip stream, bytes) to its reader, opening containers.

A .zip or .gz is not a format but a wrapper: whatever is inside is read by its inner name, so
`day.zip!day.json`, `corpus.jsonl.gz` and `site.zip!site.example/page.html` all work. Unknown
names are sniffed from their first bytes. A truncated zip (no central directory) is still read
member by member from its local headers, so the records before the cut are not lost.
"""

from __future__ import annotations

import codecs
import gzip
import io
import posixpath
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from functools import partial
from typing import IO, cast

from marsad.model import ReadFailure
from marsad.read.common import Blob, Item, guarded, read_limited
from marsad.read.options import ReadOptions
from marsad.read.records import read_json, read_json_lines
from marsad.read.text import read_text

_EXTENSIONS: dict[str, str] = {
    ".zip": "zip",
    ".gz": "gzip",
    ".gzip": "gzip",
    ".warc": "warc",
    ".arc": "warc",
    ".warc.gz": "warc",
    ".arc.gz": "warc",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".jl": "jsonl",
    ".json": "json",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".shtml": "html",
    ".rss": "feed",
    ".atom": "feed",
    ".txt": "text",
    ".text": "text",
}
_SNIFF_BYTES = 2048
_HTML_TAGS = (b"<html", b"<!doctype html", b"<head", b"<body")
_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")
_RECORD_KINDS = ("json", "jsonl")


def read_blob(blob: Blob, options: ReadOptions) -> Iterator[Item]:
    """Every page or failure in one input; an input that yields nothing at all says so."""
    empty = True
    for item in guarded(_dispatch(blob, options), blob.source):
        empty = False
        yield item
    if empty:
        yield ReadFailure(blob.source, "nothing to read: no pages or records in it")


def kind_of(name: str) -> str | None:
    """The format named by the file extension (two-part ones like .warc.gz first), or None."""
    lowered = name.lower()
    for suffix in sorted(_EXTENSIONS, key=len, reverse=True):
        if lowered.endswith(suffix):
            return _EXTENSIONS[suffix]
    return None


def known_type(name: str) -> bool:
    """Whether a directory walk reads this file: its extension names a format, or it is .xml
    (a feed or HTML, sniffed). Notes, code, images and extension-less files in a folder of
    pages are not pages, and read anyway they would be quarantined or, worse, stored as text."""
    return kind_of(name) is not None or name.lower().endswith(".xml")


def sniff(head: bytes) -> str:
    """The format of bytes with an unknown or ambiguous name (.xml, no extension)."""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            head = head[len(bom) :].decode(codec, errors="ignore").encode("utf-8")
    lowered = head.removeprefix(codecs.BOM_UTF8).lstrip().lower()
    if lowered.startswith(b"warc/"):
        return "warc"
    if lowered.startswith((b"[", b"{")):
        return "json"
    if lowered.startswith(b"<"):
        if any(tag in lowered for tag in (b"<rss", b"<feed", b"<rdf:rdf")):
            return "feed"
        if lowered.startswith(b"<?xml") and not any(tag in lowered for tag in _HTML_TAGS):
            return "feed"  # XML that is not HTML: only feeds are read, and the feed reader says why not
        return "html"
    return "text"


def _dispatch(blob: Blob, options: ReadOptions) -> Iterator[Item]:
    kind = kind_of(blob.name)
    if kind is None or blob.name.lower().endswith(".xml"):
        with blob.open() as stream:
            kind = sniff(stream.read(_SNIFF_BYTES))
    if kind == "zip":
        yield from _read_zip(blob, options)
    elif kind == "gzip":
        yield from read_blob(_gunzipped(blob), options)
    elif kind == "warc":
        with blob.open() as stream:
            from marsad.read.warc import read_warc  # (format libraries load on first use: fast start-up)

            yield from read_warc(blob.source, stream, options, blob.folder)
    elif kind == "jsonl":
        with blob.open() as stream:
            yield from read_json_lines(blob.source, stream, options, blob.folder)
    else:
        yield from _read_whole(blob, kind, options)


def _read_whole(blob: Blob, kind: str, options: ReadOptions) -> Iterator[Item]:
    """Formats read as one piece of bytes, after the size limit."""
    with blob.open() as stream:
        raw = read_limited(stream, blob.source, options, blob.size)
    if not isinstance(raw, bytes):
        yield raw
    elif kind == "json":
        yield from read_json(blob.source, raw, options, blob.folder)
    elif kind == "feed":
        from marsad.read.feed import read_feed

        yield from read_feed(blob.source, raw, options, blob.folder)
    elif kind == "html":
        from marsad.read.html import read_html

        yield read_html(blob.source, raw, options, blob.folder)
    else:
        yield read_text(blob.source, raw, options, blob.folder)


class _GzipStream(gzip.GzipFile):
    """A gzip reader that also closes the stream it decompresses (GzipFile leaves it open)."""

    def __init__(self, inner: IO[bytes]) -> None:
        super().__init__(fileobj=inner, mode="rb")
        self._inner = inner

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._inner.close()


def _gunzipped(blob: Blob) -> Blob:
    """The content of a .gz, named by its inner name (`x.jsonl.gz` → `x.jsonl`); size unknown."""
    stem, dot, extension = blob.name.rpartition(".")
    inner = stem if dot and extension.lower() in ("gz", "gzip") else blob.name
    return Blob(blob.source, inner, partial(_open_gzip, blob), None, blob.folder)


def _open_gzip(blob: Blob) -> IO[bytes]:
    return cast(IO[bytes], _GzipStream(blob.open()))  # a GzipFile is a binary stream; typeshed disagrees


def _read_zip(blob: Blob, options: ReadOptions) -> Iterator[Item]:
    """Members in archive order, each read by its own name and located as `archive!member`."""
    with blob.open() as stream:
        try:
            archive = zipfile.ZipFile(stream)
        except zipfile.BadZipFile as exc:
            yield from _salvage_zip(blob, stream, options, exc)
            return
        with archive:
            for info in archive.infolist():
                if not info.is_dir():
                    yield from read_blob(member_blob(blob, archive, info), options)


def member_blob(blob: Blob, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Blob:
    """One member of an opened zip archive, located as `archive!member`."""
    return member_in(blob, info.filename, partial(archive.open, info), info.file_size)


def member_in(blob: Blob, name: str, opener: Callable[[], IO[bytes]], size: int | None) -> Blob:
    """The member `name` of the archive `blob`, wherever its bytes are, located as `archive!member`."""
    return Blob(f"{blob.source}!{name}", name, opener, size, _member_folder(blob, name))


def _member_folder(blob: Blob, member: str) -> str | None:
    """A member in a folder inside the archive takes that folder; at the root, the archive's folder."""
    folder = posixpath.dirname(member)
    return folder if folder else blob.folder


def _salvage_zip(blob: Blob, stream: IO[bytes], options: ReadOptions, error: Exception) -> Iterator[Item]:
    """Read a zip without its central directory (a cut download) from the local file headers."""
    stream.seek(0)
    cut = "no complete member"
    while True:
        header = stream.read(_LOCAL_HEADER.size)
        if len(header) < _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
            break
        _, _, flags, method, _, _, _, packed_size, size, name_len, extra_len = _LOCAL_HEADER.unpack(header)
        name = stream.read(name_len).decode("utf-8" if flags & 0x800 else "cp437", errors="replace")
        stream.read(extra_len)
        content, complete, rest = _inflate(stream, method, packed_size, unknown_size=bool(flags & 0x8))
        member = member_in(blob, name, partial(io.BytesIO, content), len(content))
        if complete:
            yield from read_blob(member, options)
            cut = f"all members before byte {stream.tell():,} read"
            if rest is not None:
                stream = io.BytesIO(rest.removeprefix(b"PK\x07\x08")[12:])
            continue
        if kind_of(name) in _RECORD_KINDS:
            salvaged = content[: content.rfind(b"\n") + 1] if kind_of(name) == "jsonl" else content
            if salvaged:
                yield from guarded(
                    _dispatch(
                        Blob(
                            member.source, name, partial(io.BytesIO, salvaged), len(salvaged), member.folder
                        ),
                        options,
                    ),
                    member.source,
                )
        cut = f"member {name} cut after {len(content):,} of {size:,} bytes"
        break
    yield ReadFailure(blob.source, f"truncated or corrupt zip archive: {cut} ({error})")


def _inflate(
    stream: IO[bytes], method: int, packed_size: int, unknown_size: bool
) -> tuple[bytes, bool, bytes | None]:
    """Decompress one member's data: (content, complete, bytes after it when the size was unknown)."""
    if method not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return b"", False, None
    if unknown_size and packed_size == 0:
        if method == zipfile.ZIP_STORED:
            return b"", False, None
        inflater = zlib.decompressobj(-15)
        try:
            content = inflater.decompress(stream.read())
        except zlib.error:
            return b"", False, None
        return content, inflater.eof, inflater.unused_data
    packed = stream.read(packed_size)
    if method == zipfile.ZIP_STORED:
        return packed, len(packed) == packed_size, None
    inflater = zlib.decompressobj(-15)
    try:
        content = inflater.decompress(packed)
    except zlib.error:
        return b"", False, None
    return content, inflater.eof and len(packed) == packed_size, None
