"""Shared fixtures: where the shared data lives, and a skip with a reason when it does not; one
Dask cluster for the session."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psutil
import pytest

from marsad.model import Page
from marsad.read import read_paths
from marsad.store import open_store
from marsad.store.base import Store
from tests.postgres import fresh_database, postgres_server, postgres_url  # noqa: F401  (fixtures)

if TYPE_CHECKING:
    from marsad.runner.dask import DaskRunner

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def run_bench(script: str, out: Path, *args: str) -> tuple[dict[str, Any], str]:
    """A bench/ script run as a user runs it, writing its figures to `out` (--json): the
    figures, and what it logged (its stderr). Fails the test with the log if the script fails."""
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / script), *args, "--json", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report: dict[str, Any] = json.loads(out.read_text("utf-8"))
    return report, done.stderr


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or a skip that says what is missing and why it matters."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"../shared/{'/'.join(parts)} not present: this test reads the shared real data")
    return path


@pytest.fixture
def seeds() -> list[Path]:
    return sorted(shared_path("seeds").glob("*.txt"))


@cache
def _pages_of(path: Path) -> dict[int, Page]:
    """Every record of one shared corpus file as Marsad reads it, by its index in the file."""
    return {int(p.source.rsplit("#", 1)[1]): p for p in read_paths([str(path)]) if isinstance(p, Page)}


def shared_record(key: str) -> Page:
    """One record of ../shared/data read by Marsad's own reader: "saudinewsnet/2015-07-21.zip#12"
    (index in the day's array) or "ant#6607" (line of the ANT file)."""
    if key.startswith("ant#"):
        path, index = shared_path("data", "ant", "ant_v2_1.jsonl.gz"), key[4:]
    else:
        name, _, index = key.partition("#")
        path = shared_path("data", *name.split("/"))
    return _pages_of(path)[int(index)]


MakeStore = Callable[..., Store]
SAMPLE_PAGES = Path(__file__).resolve().parents[1] / "src" / "marsad" / "sample" / "pages"


@pytest.fixture(scope="session")
def sample_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample corpus ingested once into an SQLite file with its search index
    (tests that write copy it first: `marsad.store.sqlite.copy_archive`)."""
    from marsad import service
    from marsad.store.sqlite import SqliteStore

    db = tmp_path_factory.mktemp("sample-archive") / "sample.db"
    with SqliteStore(db) as store:
        service.ingest([str(SAMPLE_PAGES)], store)
        store.checkpoint()
    return db


@pytest.fixture(params=["sqlite", "postgresql"])
def make_store(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[MakeStore]:
    """The store contract runs on both stores: `make_store(name)` opens the archive `name` (a
    new one the first time, the same one again after) on an SQLite file or on a database of a
    real PostgreSQL server started for the tests; every store opened is closed at the end."""
    monkeypatch.setenv("MARSAD_HOME", str(tmp_path / "home"))  # where a PostgreSQL archive's index goes
    opened: list[Store] = []
    with contextlib.ExitStack() as databases:
        addresses: dict[str, str] = {}

        def address(name: str) -> str:
            if name not in addresses:
                if request.param == "sqlite":
                    addresses[name] = str(tmp_path / f"{name}.db")
                else:
                    server = request.getfixturevalue("postgres_server")
                    addresses[name] = databases.enter_context(fresh_database(server))
            return addresses[name]

        def make(name: str = "archive") -> Store:
            store = open_store(address(name))
            opened.append(store)
            return store

        make.address = address  # type: ignore[attr-defined]
        yield make
        for store in opened:
            store.close()


@pytest.fixture(scope="session")
def dask_runner() -> Iterator[DaskRunner]:
    """A Dask runner on a two-worker `LocalCluster` it started (starting one takes seconds: one
    for the session). Other runners join its cluster by its address. Closing it stops the
    cluster: its worker processes are gone afterwards."""
    from distributed import Client

    from marsad.runner.dask import DaskRunner

    runner = DaskRunner(workers=2)
    with Client(runner.address, set_as_default=False) as client:
        workers = [psutil.Process(pid) for pid in client.run(os.getpid).values()]
    yield runner
    runner.close()
    _, alive = psutil.wait_procs(workers, timeout=10)
    assert len(workers) == 2 and not alive, f"worker processes left running: {alive}"
