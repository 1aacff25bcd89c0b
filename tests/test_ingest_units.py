"""Reading on the runner's workers: the input planned into units gives exactly what reading it in
one process gives, and the pieces that cross processes cross them intact."""

from __future__ import annotations

import gzip
import pickle
import shutil
import zipfile
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import pytest

from marsad import service
from marsad.model import Page, ReadFailure
from marsad.read import ReadOptions, read_paths
from marsad.read.units import Unit, load, plan, read_units
from marsad.runner import ProcessRunner
from marsad.segment import Segmenter
from marsad.service import ingestion
from marsad.store.base import PageWrite, WriteBatch
from marsad.store.sqlite import SqliteStore
from tests.conftest import shared_path


def _described(items: Iterable[Page | ReadFailure]) -> list[tuple[object, ...]]:
    return [
        ("page", i.source, i.page_id, i.text, i.outlet, i.url, i.title, i.published, i.fetched, i.fmt, i.raw)
        if isinstance(i, Page)
        else ("failure", i.source, i.reason, i.raw)
        for i in items
    ]


def _planned(paths: list[str], options: ReadOptions | None = None) -> list[Page | ReadFailure]:
    """What the workers and the main process read between them, in plan order."""
    options = options or ReadOptions()
    out: list[Page | ReadFailure] = []
    for entry in plan(paths, options):
        out += list(read_units([entry], options)) if isinstance(entry, Unit) else [entry]
    return out


def _mixed_inputs(folder: Path) -> list[str]:
    """A zip with records, text and a nested .gz member; a .gz file; a damaged zip; an empty zip."""
    records = b'[{"title": "t1", "content": "\xd9\x86\xd8\xb5 \xd8\xa3\xd9\x88\xd9\x84"}, {"content": ""}]'
    with zipfile.ZipFile(folder / "mixed.zip", "w") as archive:
        archive.writestr("day.json", records)
        archive.writestr("site.example/page.txt", "عنوان الخبر\n\nنص الخبر الأول في سطر.\n".encode())
        archive.writestr("inner.jsonl.gz", gzip.compress(b'{"content": "\xd9\x86\xd8\xb5"}\n'))
        archive.writestr("folder/", b"")
    (folder / "lines.jsonl.gz").write_bytes(gzip.compress(b'{"content": "abc"}\nnot json\n'))
    whole = (folder / "mixed.zip").read_bytes()
    (folder / "cut.zip").write_bytes(whole[: len(whole) * 2 // 3])
    with zipfile.ZipFile(folder / "empty.zip", "w"):
        pass
    return [str(folder / name) for name in ("mixed.zip", "lines.jsonl.gz", "cut.zip", "empty.zip")]


def test_planned_units_read_as_one_process_reads(tmp_path: Path) -> None:
    sample = resources.files("marsad.sample").joinpath("pages")
    with resources.as_file(sample) as folder:
        paths = [str(folder), *_mixed_inputs(tmp_path), str(tmp_path / "missing.txt")]
        assert _described(_planned(paths)) == _described(read_paths(paths))
        kinds = {type(e).__name__ for e in plan(paths)}
    assert kinds == {"Unit", "Page", "ReadFailure"}  # some read on workers, some here


def test_loaded_units_read_from_their_bytes_as_from_their_paths(tmp_path: Path) -> None:
    """A unit loaded for a worker on another machine gives the same pages and failures (same
    sources, outlets, ids) once the files it came from are gone."""
    sample = resources.files("marsad.sample").joinpath("pages")
    with resources.as_file(sample) as folder:
        shutil.copytree(folder, tmp_path / "pages")
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    paths = [str(tmp_path / "pages"), *_mixed_inputs(inputs)]
    units = [entry for entry in plan(paths) if isinstance(entry, Unit)]
    assert {unit.member is None for unit in units} == {True, False}  # files and zip members
    expected = _described(read_units(units, ReadOptions()))
    loaded = list(load(units))
    assert all(isinstance(unit, Unit) and unit.data is not None for unit in loaded)
    shutil.rmtree(tmp_path / "pages")
    shutil.rmtree(inputs)
    assert _described(read_units([u for u in loaded if isinstance(u, Unit)], ReadOptions())) == expected


def test_a_unit_that_cannot_be_loaded_is_a_failure(tmp_path: Path) -> None:
    inputs = _mixed_inputs(tmp_path)
    member, file = Unit(inputs[0], "day.json"), Unit(str(tmp_path / "gone.txt"))
    (found, missing, vanished) = load([member, Unit(inputs[0], "no-such-member.txt"), file])
    assert isinstance(found, Unit) and found.data and found.size == len(found.data)
    assert isinstance(missing, ReadFailure) and missing.source == f"{inputs[0]}!no-such-member.txt"
    assert isinstance(vanished, ReadFailure) and vanished.source == file.path


def test_a_saudinewsnet_day_is_one_unit_per_member_read_as_before() -> None:
    day = shared_path("data", "saudinewsnet", "2015-07-21.zip")
    planned = list(plan([str(day)]))
    assert planned and all(isinstance(e, Unit) and e.member for e in planned)
    assert _described(_planned([str(day)])) == _described(read_paths([str(day)]))


def test_big_inputs_are_streamed_here_not_given_to_a_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import marsad.read.units as units

    big = tmp_path / "big.jsonl"
    big.write_text('{"content": "نص"}\n' * 50, encoding="utf-8")
    monkeypatch.setattr(units, "UNIT_MAX_BYTES", 100)
    planned = list(plan([str(big)]))
    assert len(planned) == 50 and all(isinstance(e, Page) for e in planned)


def test_a_task_result_crosses_processes_intact() -> None:
    day = shared_path("data", "saudinewsnet", "2015-07-21.zip")
    unit = next(e for e in plan([str(day)]) if isinstance(e, Unit))
    for analyze in (False, True):
        task = ingestion.SegmentTask(
            Segmenter(), (), "2026-12-01T00:00:00+00:00", analyze, (unit,), ReadOptions()
        )
        result = ingestion.run_segment_task(task)
        again = pickle.loads(pickle.dumps(result))
        assert again.segmented == result.segmented and result.segmented
        assert (again.failures, again.read, again.skipped) == (result.failures, result.read, result.skipped)
        # the pages cross without their text (the store keeps raw bytes, not the decoded text)
        assert again.pages == [p.without_text() for p in result.pages]
        assert [p.page_id for p in again.pages] == [p.page_id for p in result.pages]
        assert all(p.text == "" and p.raw for p in again.pages)
        assert bool(result.segmented[0].rows) == analyze


def test_workers_skip_pages_already_stored(tmp_path: Path) -> None:
    """The workers read the input themselves and ask the store (through a connection of their
    own) which pages it holds: a second ingest segments and writes nothing."""
    sample = resources.files("marsad.sample").joinpath("pages")
    runner = ProcessRunner(2)
    try:
        with resources.as_file(sample) as folder, SqliteStore(tmp_path / "w.db") as store:
            first = service.ingest([str(folder)], store, runner=runner)
            counts = store.counts()
            second = service.ingest([str(folder)], store, runner=runner)
            assert store.counts() == counts
    finally:
        runner.close()
    assert first.pages_new > 40 and second.pages_new == 0
    assert second.pages_already_stored == first.pages_new and second.pages_read == first.pages_read
    presence = pickle.loads(pickle.dumps(store.presence()))  # what a worker receives
    assert presence._reader is None


def test_a_batch_is_cut_into_transactions_of_batch_pages() -> None:
    failure = ReadFailure("x", "bad")
    pages = [PageWrite(Page(f"p{i}", b"", "t"), (), ()) for i in range(5)]
    parts = WriteBatch(pages, [failure]).parts(2)
    assert [len(p.pages) for p in parts] == [2, 2, 1]
    assert [p.failures for p in parts] == [[failure], [], []]
    assert [len(p.failures) for p in WriteBatch([], [failure]).parts(2)] == [1]
