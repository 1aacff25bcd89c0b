"""Input cut into units a worker can read on its own, so reading runs on every core.

The main process only walks directories, expands globs and lists zip archives (their central
directory): cheap work. Each file and each zip member becomes a `Unit` that any process can read
with `read_units`; reading, decompressing and parsing, the costly part, then happens beside the
segmentation on the runner's workers. What cannot be cut or is too big to read in one piece
(WARC and gzip streams, archives inside archives, damaged zips, feeds from a URL, anything over
UNIT_MAX_BYTES) is read by `plan` itself, lazily, page by page, exactly as `read_paths` reads it.

Either way the pages are the same, in the same order: `read_units` of every unit `plan` yields,
with the pages it yields itself in between, is `read_paths` (tested). A worker that cannot open
the unit's path (another machine) gets the unit `load`ed: its bytes, read by the main process
(reading bytes is cheap; parsing is the cost), give the same pages again (tested).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import partial

from marsad.model import ReadFailure
from marsad.read import Skipped, bytes_blob, each_input, file_blob, read_file
from marsad.read.common import Blob, Item, describe_error
from marsad.read.containers import kind_of, member_blob, member_in, read_blob
from marsad.read.options import ReadOptions

UNIT_MAX_BYTES = 64 * 1024 * 1024  # bigger inputs are streamed here rather than held whole by a worker
_STREAMED = ("zip", "gzip", "warc")  # read as streams (or nested archives): never a unit


@dataclass(frozen=True, slots=True)
class Unit:
    """A file on disk, or one member of the zip archive at `path`, to be read whole; with `data`,
    its bytes, to be read as if from there (by a worker that does not see this machine's files)."""

    path: str
    member: str | None = None
    size: int = 0
    data: bytes | None = field(default=None, repr=False)


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
    with _Archives() as archives:
        for unit in units:
            blob = _blob(unit, archives)
            if isinstance(blob, ReadFailure):
                yield blob
            else:
                yield from read_blob(blob, options)


def load(units: Sequence[Unit]) -> Iterator[Unit | ReadFailure]:
    """These units with their bytes, for a worker that cannot open their paths; a unit whose
    bytes cannot be read is a failure, as reading it would be."""
    with _Archives() as archives:
        for unit in units:
            blob = _blob(unit, archives)
            if isinstance(blob, ReadFailure):
                yield blob
                continue
            try:
                with blob.open() as stream:
                    data = stream.read()
            except Exception as exc:  # what `read_blob` would turn into a failure (OSError, bad CRC…)
                yield ReadFailure(blob.source, describe_error(exc))
                continue
            yield replace(unit, size=len(data), data=data)


def _blob(unit: Unit, archives: _Archives) -> Blob | ReadFailure:
    """Where a unit's bytes are: in the unit, in a file, or in a member of an archive."""
    if unit.member is None:
        return file_blob(unit.path) if unit.data is None else bytes_blob(unit.path, unit.data)
    if unit.data is None:
        return archives.member(unit.path, unit.member)
    archive = bytes_blob(unit.path, b"")  # for its name and folder: the member's bytes are the unit's
    return member_in(archive, unit.member, partial(io.BytesIO, unit.data), len(unit.data))


class _Archives:
    """Zip archives opened on first use and kept open for the next units (most units of an
    archive come one after another), closed at the end."""

    def __init__(self) -> None:
        self._open: dict[str, zipfile.ZipFile] = {}

    def __enter__(self) -> _Archives:
        return self

    def __exit__(self, *exc: object) -> None:
        for archive in self._open.values():
            archive.close()

    def member(self, path: str, member: str) -> Blob | ReadFailure:
        blob = file_blob(path)
        if isinstance(blob, ReadFailure):
            return blob
        try:
            if path not in self._open:
                self._open[path] = zipfile.ZipFile(path)
            info = self._open[path].getinfo(member)
        except (zipfile.BadZipFile, OSError, KeyError) as exc:
            return ReadFailure(f"{path}!{member}", f"cannot read the archive member again ({exc})")
        return member_blob(blob, self._open[path], info)
