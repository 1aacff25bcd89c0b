"""Read input into Pages: files, directories, glob patterns, archives, WARCs and feed URLs.

Every input ends up as Page objects or ReadFailure objects: nothing is dropped silently and no
bad input raises, so one corrupt file never stops an ingest and every problem can be reported.

    read_paths(["pages/", "day.zip", "crawl.warc.gz", "https://example.com/feed.xml"])
    read_bytes("upload.html", data)

Directories are walked in sorted order (hidden files and folders, whose names start with ".",
are not content and are skipped, and so are files whose extension is not an input type: a
README or notes.md beside the pages); glob patterns expand in sorted order; http(s) URLs are
fetched as RSS/Atom feeds. A file named on the command line (or matched by a glob) is read
whatever its name: formats are chosen by file name and sniffed when the name does not tell.
"""

from __future__ import annotations

import glob
import io
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import IO, TypeVar

from marsad.model import Page, ReadFailure
from marsad.read.common import Blob, Item
from marsad.read.containers import known_type, read_blob
from marsad.read.options import ReadOptions

__all__ = ["ReadOptions", "read_bytes", "read_paths"]

T = TypeVar("T")
Skipped = Callable[[str], None]  # told of each file a directory walk leaves out


def read_paths(
    paths: Iterable[str], options: ReadOptions | None = None, skipped: Skipped | None = None
) -> Iterator[Page | ReadFailure]:
    """Pages and failures from paths, directories, glob patterns and feed URLs, lazily and in order."""
    return each_input(paths, options or ReadOptions(), read_file, skipped)


def each_input(
    paths: Iterable[str],
    options: ReadOptions,
    per_file: Callable[[str, ReadOptions], Iterator[T]],
    skipped: Skipped | None = None,
) -> Iterator[T | Item]:
    """`per_file` of every file the paths name, in order; feeds at URLs are read, and a path
    that names nothing is a failure."""
    for path in paths:
        for found in input_files(os.fspath(path), skipped):
            if isinstance(found, ReadFailure):
                yield found
            elif found.lower().startswith(("http://", "https://")):
                yield from fetch_feed(found, options)
            else:
                yield from per_file(found, options)


def read_bytes(source: str, data: bytes, options: ReadOptions | None = None) -> Iterator[Page | ReadFailure]:
    """Pages and failures from bytes already in memory, the format chosen by `source`'s name."""
    return read_blob(bytes_blob(source, data), options or ReadOptions())


def bytes_blob(source: str, data: bytes) -> Blob:
    """Bytes in memory as the file `source` names: read as that file would be (same name,
    same folder, so the same outlet and page ids)."""
    return Blob(
        source,
        os.path.basename(source) or source,
        partial(_memory, data),
        len(data),
        os.path.dirname(source) or None,
    )


def fetch_feed(url: str, options: ReadOptions) -> Iterator[Item]:
    """The entries of a feed at a URL (feedparser loads only when a feed is read)."""
    from marsad.read.feed import fetch_feed as fetch

    return fetch(url, options)


def input_files(path: str, skipped: Skipped | None = None) -> Iterator[str | ReadFailure]:
    """The files (and feed URLs) one path argument names: itself, a directory's files of a known
    input type (`skipped` hears of the others), a glob's matches; a failure where it names nothing."""
    if path.lower().startswith(("http://", "https://")):
        yield path
    elif os.path.isdir(path):
        files = _walk(path)
        kept = []
        for file in files:
            if known_type(os.path.basename(file)):
                kept.append(file)
            elif skipped is not None:
                skipped(file)
        if not files:
            yield ReadFailure(path, "empty directory: no files in it")
        elif not kept:
            count = f"{len(files)} file{'s' if len(files) > 1 else ''}"
            yield ReadFailure(path, f"no input files in it ({count} of unknown type skipped)")
        yield from kept
    elif os.path.lexists(path):
        yield path
    elif glob.has_magic(path):
        matches = sorted(glob.glob(path, recursive=True))
        if not matches:
            yield ReadFailure(path, "no file matches this pattern")
        for match in matches:
            yield from input_files(match, skipped)
    else:
        yield ReadFailure(path, "no such file or directory")


def file_blob(path: str) -> Blob | ReadFailure:
    """A file on disk to read; unreadable or special files are failures, not exceptions."""
    try:
        info = os.stat(path)
    except OSError as exc:
        return ReadFailure(path, f"cannot read: {exc.strerror or exc}")
    if not stat.S_ISREG(info.st_mode):
        return ReadFailure(path, "not a regular file")
    return Blob(
        path, os.path.basename(path), partial(_disk, path), info.st_size, os.path.dirname(path) or None
    )


def read_file(path: str, options: ReadOptions) -> Iterator[Item]:
    """Every page or failure in one file on disk."""
    blob = file_blob(path)
    if isinstance(blob, ReadFailure):
        yield blob
    else:
        yield from read_blob(blob, options)


def _walk(root: str) -> list[str]:
    """All non-hidden files under a directory, sorted by their path components."""
    found: list[tuple[tuple[str, ...], str]] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        relative = os.path.relpath(folder, root)
        parts = () if relative == "." else tuple(relative.split(os.sep))
        found.extend(
            ((*parts, name), os.path.join(folder, name)) for name in files if not name.startswith(".")
        )
    return [path for _, path in sorted(found)]


def _disk(path: str) -> IO[bytes]:
    return open(path, "rb")  # the Blob's reader closes it


def _memory(data: bytes) -> IO[bytes]:
    return io.BytesIO(data)
