"""Input cut into units a worker can read on its own, so reading runs on every core.

The main process only walks directories, expands globs and lists zip archives (their central
directory): cheap work. Each file and each zip member becomes a `Unit` that any process can read
with `read_units`; reading, decompressing and parsing, the costly part, then happens beside the
segmentation on the runner's workers. What cannot be cut or is too big to read in one piece
(WARC and gzip streams, archives inside archives, damaged zips, feeds from a URL, anything over
UNIT_MAX_BYTES) is read by `plan` itself, lazily, page by page, exactly as `read_paths` reads it.

Either way the pages are the same, in the same order: `read_units` of every unit `plan` yields,
with the pages it yields itself in between, is `read_paths` (tested).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from marsad.model import ReadFailure
from marsad.read import Skipped, each_input, file_blob, read_file
from marsad.read.common import Item
from marsad.read.containers import kind_of, member_blob, read_blob
from marsad.read.options import ReadOptions

UNIT_MAX_BYTES = 64 * 1024 * 1024  # bigger inputs are streamed here rather than held whole by a worker
_STREAMED = ("zip", "gzip", "warc")  # read as streams (or nested archives): never a unit


@dataclass(frozen=True, slots=True)
class Unit:
    """A file on disk, or one member of the zip archive at `path`, to be read whole."""

    path: str
    member: str | None = None
    size: int = 0


def plan(
    paths: Iterable[str], options: ReadOptions | None = None, skipped: Skipped | None = None
) -> Iterator[Unit | Item]:
    """The input as units for workers to read, and the pages and failures of what is read here."""
    return each_input(paths, options or ReadOptions(), _plan_file, skipped)


def _plan_file(path: str, options: ReadOptions) -> Iterator[Unit | Item]:
    blob = file_blob(path)
    if isinstance(blob, ReadFailure):
        yield blob
        return
    size = blob.size or 0
    kind = kind_of(blob.name)
    if kind == "zip":
        yield from _plan_zip(path, options)
    elif kind in _STREAMED or size > UNIT_MAX_BYTES:
        yield from read_blob(blob, options)
    else:
        yield Unit(path, None, size)


def _plan_zip(path: str, options: ReadOptions) -> Iterator[Unit | Item]:
    """A zip's members as units; a damaged zip (no central directory) is salvaged here."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        yield from read_file(path, options)
        return
    with archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        if not members:  # read_file says what is wrong with an empty archive
            yield from read_file(path, options)
            return
        blob = file_blob(path)
        assert not isinstance(blob, ReadFailure)
        for info in members:
            if kind_of(info.filename) in _STREAMED or info.file_size > UNIT_MAX_BYTES:
                yield from read_blob(member_blob(blob, archive, info), options)
            else:
                yield Unit(path, info.filename, info.file_size)


def read_units(units: Sequence[Unit], options: ReadOptions) -> Iterator[Item]:
    """The pages and failures of these units, in order (each archive opened once)."""
    archives: dict[str, zipfile.ZipFile] = {}
    try:
        for unit in units:
            if unit.member is None:
                yield from read_file(unit.path, options)
                continue
            blob = file_blob(unit.path)
            if isinstance(blob, ReadFailure):
                yield blob
                continue
            try:
                if unit.path not in archives:
                    archives[unit.path] = zipfile.ZipFile(unit.path)
                info = archives[unit.path].getinfo(unit.member)
            except (zipfile.BadZipFile, OSError, KeyError) as exc:
                reason = f"cannot read the archive member again ({exc})"
                yield ReadFailure(f"{unit.path}!{unit.member}", reason)
                continue
            yield from read_blob(member_blob(blob, archives[unit.path], info), options)
    finally:
        for archive in archives.values():
            archive.close()
