"""Ingest on a real two-worker Dask cluster gives the archive the in-process ingest gives: the
same articles and pages (same ids), the same duplicate groups and near links, the same summary;
whether the workers read the input from its paths (a local cluster) or from the bytes the tasks
carry (a cluster joined by its address), and from the command line with --scheduler."""

from __future__ import annotations

import dataclasses
import socket
import subprocess
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from marsad import service
from marsad.model import IngestSummary
from marsad.runner import ClusterError, InlineRunner, Runner
from marsad.runner.dask import DaskRunner
from marsad.store.sqlite import SqliteStore
from tests.conftest import shared_path
from tests.test_cli import MARSAD

Archive = dict[str, Any]


@pytest.fixture(scope="module")
def sample() -> Iterator[str]:
    with resources.as_file(resources.files("marsad.sample").joinpath("pages")) as folder:
        yield str(folder)


@pytest.fixture
def remote(dask_runner: DaskRunner) -> Iterator[DaskRunner]:
    """The session's cluster joined by its address, as a remote one is: its tasks carry bytes."""
    runner = DaskRunner(scheduler=dask_runner.address)
    assert not runner.shares_files
    yield runner
    runner.close()


def contents(db: Path) -> Archive:
    """What an archive holds, by id and in arrival order."""
    with SqliteStore(db) as store:
        return {
            "articles": [(a.article_id, a.text, a.wire, a.tags) for a in store.articles()],
            "pages": [(p.page_id, p.source, p.outlet, p.article_ids) for p in store.pages()],
            "groups": store.group_anchors(),
            "near links": store.near_links(),
            "quarantined": sorted((q.source, q.reason, q.size) for q in store.quarantined()),
        }


def ingested(
    paths: list[str], db: Path, runner: Runner, search: bool = True
) -> tuple[IngestSummary, Archive]:
    with SqliteStore(db) as store:
        summary = service.ingest(paths, store, runner=runner, search=search)
    return summary, contents(db)


def same_summary(one: IngestSummary, other: IngestSummary) -> bool:
    """Equal counts and the same problems (a failure met while loading bytes for a remote
    worker is told before the pages of its batch)."""
    a, b = dataclasses.asdict(one), dataclasses.asdict(other)
    return sorted(a.pop("problems")) == sorted(b.pop("problems")) and a == b


@pytest.fixture(scope="module")
def sample_inline(sample: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[IngestSummary, Archive]:
    return ingested([sample], tmp_path_factory.mktemp("inline") / "sample.db", InlineRunner())


@pytest.mark.parametrize("kind", ["paths", "bytes"])
def test_the_sample_corpus_on_dask_is_the_inline_archive(
    kind: str,
    sample: str,
    sample_inline: tuple[IngestSummary, Archive],
    dask_runner: DaskRunner,
    request: pytest.FixtureRequest,
    tmp_path: Path,
) -> None:
    runner = dask_runner if kind == "paths" else request.getfixturevalue("remote")
    summary, archive = ingested([sample], tmp_path / "dask.db", runner)
    inline_summary, inline_archive = sample_inline
    assert archive == inline_archive
    assert archive["groups"] and archive["near links"] and archive["quarantined"]
    assert same_summary(summary, inline_summary)


def test_a_re_ingest_on_a_remote_cluster_stores_nothing_new(
    sample: str, sample_inline: tuple[IngestSummary, Archive], remote: DaskRunner, tmp_path: Path
) -> None:
    """Workers that cannot open the archive segment the stored pages again; the store skips them."""
    db = tmp_path / "again.db"
    first, archive = ingested([sample], db, remote)
    second, again = ingested([sample], db, remote)
    assert again == archive == sample_inline[1]
    assert second.pages_new == second.articles_new == 0
    assert second.pages_already_stored == first.pages_new and second.pages_read == first.pages_read


def test_saudinewsnet_days_on_a_two_worker_cluster_are_the_inline_archive(
    remote: DaskRunner, tmp_path: Path
) -> None:
    """Two days, two tasks (one per day: each is one zip member), one on each worker."""
    days = [str(shared_path("data", "saudinewsnet", f"2015-07-{day}.zip")) for day in (22, 23)]
    inline_summary, inline_archive = ingested(days, tmp_path / "inline.db", InlineRunner(), search=False)
    summary, archive = ingested(days, tmp_path / "dask.db", remote, search=False)
    assert archive == inline_archive
    assert len(archive["pages"]) > 3000 and len(archive["near links"]) > 100
    assert same_summary(summary, inline_summary)


def test_the_command_line_ingests_on_an_existing_cluster(
    sample: str, sample_inline: tuple[IngestSummary, Archive], dask_runner: DaskRunner, tmp_path: Path
) -> None:
    db = tmp_path / "cli.db"
    done = subprocess.run(
        [*MARSAD, "ingest", sample, "--db", str(db), "--scheduler", dask_runner.address],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 3, done.stderr  # the sample's broken pages are quarantined
    assert contents(db) == sample_inline[1]


def test_a_scheduler_that_does_not_answer_is_a_one_line_usage_error(sample: str, tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{probe.getsockname()[1]}"
    db = tmp_path / "x.db"
    done = subprocess.run(
        [*MARSAD, "ingest", sample, "--db", str(db), "--scheduler", address],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith(f"error: cannot reach the Dask scheduler at {address}: nothing answered")
    assert not db.exists()


@pytest.mark.parametrize("address", ["127.0.0.1", "localhost:port", "http://127.0.0.1:8786"])
def test_a_malformed_scheduler_address_is_refused_before_any_connection(address: str) -> None:
    with pytest.raises(ClusterError, match="is not a scheduler address, tcp://HOST:PORT"):
        DaskRunner(scheduler=address)


def test_a_handshake_that_fails_its_assertion_connects_again(
    dask_runner: DaskRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """distributed asserts that the scheduler's first reply to a client is one message, and now
    and then it is not (seen in this suite): the runner connects again, up to CONNECT_ATTEMPTS."""
    import distributed

    from marsad.runner import dask as dask_module

    real = distributed.Client
    calls = []

    def flaky(*args: Any, **kwargs: Any) -> distributed.Client:
        calls.append(args)
        if len(calls) == 1:
            raise AssertionError
        return real(*args, **kwargs)

    monkeypatch.setattr(distributed, "Client", flaky)
    runner = DaskRunner(scheduler=dask_runner.address)
    try:
        assert len(calls) == 2 and list(runner.map(abs, [-1, 2])) == [1, 2]
    finally:
        runner.close()
    calls.clear()

    def failing(*args: Any, **kwargs: Any) -> distributed.Client:
        calls.append(args)
        raise AssertionError

    monkeypatch.setattr(distributed, "Client", failing)
    with pytest.raises(AssertionError):
        DaskRunner(scheduler=dask_runner.address)
    assert len(calls) == dask_module.CONNECT_ATTEMPTS
