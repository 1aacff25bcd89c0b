"""Scale benchmark: SaudiNewsNet ingested by `marsad ingest` on each runner and each store.

Runs, each in a fresh archive, as a user would (the CLI in a process of its own):
  sqlite  · in-process (--workers 1) · process pool (--workers 2) · Dask LocalCluster (--dask --workers 2)
  postgresql · in-process · Dask LocalCluster (2 workers)
and, to show where the time goes, the in-process SQLite run without the search index
(--no-search) and without near-duplicates either (--no-near --no-search).

Figures: wall time, articles/s, peak memory (proportional set size summed over the ingest
process and all its workers, plus, for PostgreSQL, the server's processes: a throwaway server
started for the run, with its default durable settings). Every run must give the same
archive: the same article, link and group counts (checked; the script fails otherwise).

    uv run python bench/scale.py [--data ../shared/data/saudinewsnet] [--days N] [--json FILE]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from common import ROOT, SAUDINEWSNET, PeakMemory, log, print_table, saudinewsnet_zips, write_json

sys.path.insert(0, str(ROOT))  # the test suite's throwaway PostgreSQL server
from tests.postgres import PostgresMissing, fresh_database, throwaway_server

MARSAD = [sys.executable, "-m", "marsad"]


@dataclass(frozen=True)
class Run:
    name: str
    store: str  # sqlite | postgresql
    options: tuple[str, ...]


RUNS = (
    Run("sqlite, in-process, no near, no search", "sqlite", ("--workers", "1", "--no-near", "--no-search")),
    Run("sqlite, in-process, no search", "sqlite", ("--workers", "1", "--no-search")),
    Run("sqlite, in-process", "sqlite", ("--workers", "1")),
    Run("sqlite, process pool ×2", "sqlite", ("--workers", "2")),
    Run("sqlite, Dask LocalCluster ×2", "sqlite", ("--dask", "--workers", "2")),
    Run("postgresql, in-process", "postgresql", ("--workers", "1")),
    Run("postgresql, Dask LocalCluster ×2", "postgresql", ("--dask", "--workers", "2")),
)


def _stats(address: str) -> dict[str, int]:
    done = subprocess.run([*MARSAD, "stats", "--db", address, "--json"], capture_output=True, text=True)
    counts = json.loads(done.stdout)
    dup = subprocess.run([*MARSAD, "duplicates", "--db", address], capture_output=True, text=True)
    counts["groups"] = len(dup.stdout.splitlines())
    return counts


def ingest(run: Run, files: list[Path], address: str, server_pid: int | None) -> dict[str, object]:
    # --no-stories: the pipeline of docs/scaling.md's figures (stories are timed by stories_eval.py)
    command = [*MARSAD, "ingest", *map(str, files), "--db", address, *run.options, "--no-stories"]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    memory = PeakMemory(process.pid)
    server = PeakMemory(server_pid) if server_pid else None
    _, err = process.communicate()
    wall = time.perf_counter() - start
    memory.stop()
    if server:
        server.stop()
    if process.returncode not in (0, 3):  # 3: some input quarantined (SaudiNewsNet has empty records)
        raise RuntimeError(f"{run.name}: exit {process.returncode}\n{err[-2000:]}")
    counts = _stats(address)
    return {
        "run": run.name,
        "wall_s": wall,
        "articles": counts["articles"],
        "articles_per_s": counts["articles"] / wall,
        "peak_mb": memory.pss_mb + (server.pss_mb if server else 0.0),
        "server_mb": server.pss_mb if server else None,
        "groups": counts["groups"],
        "pages": counts["pages"],
    }


@contextlib.contextmanager
def postgres() -> Iterator[tuple[object, int] | None]:
    try:
        with throwaway_server(durable=True) as server:
            pid = int((server.data_dir / "postmaster.pid").read_text().split()[0])
            yield server, pid
    except PostgresMissing as missing:
        log(f"PostgreSQL runs skipped: {missing}")
        yield None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=SAUDINEWSNET)
    parser.add_argument("--days", type=int, default=0, help="the first N days only (0: all)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    files = saudinewsnet_zips(args.data)
    files = files[: args.days] if args.days else files
    results = []
    with tempfile.TemporaryDirectory(prefix="marsad-scale-") as tmp, postgres() as pg:
        os.environ["MARSAD_HOME"] = str(Path(tmp) / "home")  # PostgreSQL archives' search index
        for number, run in enumerate(RUNS):
            if run.store == "postgresql":
                if pg is None:
                    continue
                server, pid = pg
                with fresh_database(server) as url:  # type: ignore[arg-type]
                    log(f"{run.name} …")
                    results.append(ingest(run, files, url, pid))
            else:
                log(f"{run.name} …")
                results.append(ingest(run, files, str(Path(tmp) / f"run{number}.db"), None))
    full = [r for r in results if "no " not in str(r["run"])]
    same = {(r["articles"], r["groups"], r["pages"]) for r in full}
    print(f"\nSaudiNewsNet, {len(files)} days; this machine: {os.cpu_count()} cores")
    print_table(
        [("run", "<40"), ("wall s", ">7.1f"), ("articles", ">9,"), ("articles/s", ">10,.0f"),
         ("peak MB", ">8.0f"), ("of it server", ">12.0f"), ("groups", ">7,")],
        [[r[key] for key in ("run", "wall_s", "articles", "articles_per_s", "peak_mb", "server_mb", "groups")]
         for r in results],
    )  # fmt: skip
    print(f"every full run gives the same archive: {len(same) == 1} {sorted(same)}")
    write_json(args.json, {"days": len(files), "runs": results})
    if len(same) != 1:
        raise SystemExit("the runs disagree: the same input must give the same archive")


if __name__ == "__main__":
    main()
