"""Ingest benchmark: Marsad end to end against the floor, on all of SaudiNewsNet.

The floor is what no ingest can beat: read the ZIP files, decompress, JSON-parse and hash every
article. Marsad does that plus decoding, segmentation, normalization, exact dedup and SQLite
writes. Marsad runs exact-only (issue "Ingest core"), with the search index, and as by default
(near-duplicate detection and the search index).
Each phase runs in its own process, timed once its libraries are loaded (Marsad's import time
is printed apart); its peak memory covers that process and its worker processes (proportional
set size, sampled every 50 ms). Marsad runs in one process and with two workers (the machine's
two cores; they read and segment), on half the corpus and on all of it, to show that memory does
not grow with the corpus. The floor and the exact-only phases run `--repeat` times (median).

    uv run python bench/ingest.py [--data ../shared/data/saudinewsnet] [--repeat 3]
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import orjson

from common import SAUDINEWSNET, PeakMemory, print_table, saudinewsnet_zips


def floor(files: list[Path]) -> int:
    """Read + decompress + parse + hash: one pass over the raw data, nothing else."""
    count = 0
    for path in files:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                for record in orjson.loads(archive.read(name)):
                    hashlib.blake2b(orjson.dumps(record), digest_size=16).digest()
                    count += 1
    return count


def marsad(files: list[Path], workers: int, near: bool, search: bool) -> int:
    from marsad.runner import make_runner
    from marsad.service import DEFAULT_NEAR, ingest
    from marsad.store.sqlite import SqliteStore

    runner = make_runner(workers)
    with tempfile.TemporaryDirectory() as tmp, SqliteStore(Path(tmp) / "bench.db") as store:
        summary = ingest(
            [str(f) for f in files],
            store,
            runner=runner,
            near=DEFAULT_NEAR if near else None,
            search=search,
            stories=False,  # the pipeline these figures were first measured on; stories: stories_eval.py
        )
    runner.close()
    return summary.pages_read + summary.quarantined


def _child(phase: str, files: list[Path]) -> None:
    # Both sides are timed with their libraries loaded, as a long-running ingest sees them: the
    # floor's (zipfile, orjson, hashlib) load with this script, Marsad's here (their cost is
    # printed apart: it does not grow with the input).
    started = time.perf_counter()
    if phase != "floor":
        for module in ("marsad.service", "marsad.store.sqlite", "marsad.runner"):
            importlib.import_module(module)
    imports = time.perf_counter() - started
    memory = PeakMemory()
    start = time.perf_counter()
    if phase == "floor":
        count = floor(files)
    else:
        _, workers, near, search = phase.split(":")
        count = marsad(files, int(workers), near == "near", search == "search")
    elapsed = time.perf_counter() - start
    peak_mb = memory.stop().pss_mb
    print(json.dumps({"count": count, "seconds": elapsed, "peak_mb": peak_mb, "imports": imports}))


def _run(phase: str, files: list[Path]) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", phase, *map(str, files)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


ROUNDS = (
    ("floor: read+unzip+parse+hash", "floor"),
    ("ingest, 1 process, exact only", "marsad:1:exact:-"),
    ("ingest, 2 workers, exact only", "marsad:2:exact:-"),
)
ONCE = (
    ("exact only, 2 workers, half", "marsad:2:exact:-", True),
    ("ingest, 2 workers, exact + search", "marsad:2:exact:search", False),
    ("default (near + search), half", "marsad:2:near:search", True),
    ("default (near + search), whole", "marsad:2:near:search", False),
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=SAUDINEWSNET, help="the SaudiNewsNet folder")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of the floor and exact-only phases")
    parser.add_argument("--child", nargs="+")
    args = parser.parse_args()
    if args.child:
        _child(args.child[0], [Path(p) for p in args.child[1:]])
        return
    files = saudinewsnet_zips(args.data)
    # The machine's speed drifts (a shared host): each round runs the floor and the exact-only
    # phases back to back, and a phase's ×floor is the median of its per-round ratios.
    rounds = [[_run(phase, files) for _, phase in ROUNDS] for _ in range(args.repeat)]
    rows: list[tuple[str, dict[str, float], float]] = []
    for column, (label, _) in enumerate(ROUNDS):
        runs = [r[column] for r in rounds]
        ratios = sorted(r[column]["seconds"] / r[0]["seconds"] for r in rounds)
        median = dict(sorted(runs, key=lambda row: row["seconds"])[len(runs) // 2])
        median.update(low=min(r["seconds"] for r in runs), high=max(r["seconds"] for r in runs))
        median["peak_mb"] = max(r["peak_mb"] for r in runs)
        rows.append((label, median, ratios[len(ratios) // 2]))
    floor_seconds = rows[0][1]["seconds"]
    for label, phase, half in ONCE:
        row = _run(phase, files[: len(files) // 2] if half else files)
        row.update(low=row["seconds"], high=row["seconds"])
        rows.append((label, row, row["seconds"] / (floor_seconds * row["count"] / rows[0][1]["count"])))
    print(f"Marsad's imports, before its timer: {rows[1][1]['imports']:.2f} s")
    print(
        f"{args.repeat} rounds of the first three rows: median seconds (min–max), median ×floor of the rounds"
    )
    columns = [("phase", "<34"), ("items", ">7.0f"), ("seconds", ">7.2f"), ("(min–max)", ">11")]
    columns += [("items/s", ">9.0f"), ("×floor", ">7.2f"), ("peak MB", ">8.0f")]
    table = []
    for label, row, ratio in rows:
        spread = f"({row['low']:.2f}–{row['high']:.2f})" if row["low"] != row["high"] else ""
        rate = row["count"] / row["seconds"]
        table.append((label, row["count"], row["seconds"], spread, rate, ratio, row["peak_mb"]))
    print_table(columns, table)


if __name__ == "__main__":
    main()
