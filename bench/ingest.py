"""Ingest benchmark: Marsad end to end against the floor, on all of SaudiNewsNet.

The floor is what no ingest can beat: read the ZIP files, decompress, JSON-parse and hash every
article. Marsad does that plus decoding, segmentation, normalization, exact dedup and SQLite
writes. Marsad runs exact-only (issue "Ingest core"), with the search index, and as by default
(near-duplicate detection and the search index).
Each phase runs in its own process; its peak memory covers that process and its worker
processes (proportional set size, sampled every 50 ms). Marsad runs in one process and with two segmenting
workers (the machine's two cores), on half the corpus and on all of it, to show that memory does
not grow with the corpus.

    uv run python bench/ingest.py [--data ../shared/data/saudinewsnet]
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import orjson
import psutil

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "saudinewsnet"


class PeakMemory:
    """Peak memory of this process and its workers, sampled every 50 ms by a thread.

    Forked workers share pages with their parent, so adding RSS would count those twice: each
    process counts its proportional set size (PSS), whose sum is the real footprint.
    """

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        me = psutil.Process()
        while not self._stop.wait(0.05):
            total = me.memory_full_info().pss
            for child in me.children(recursive=True):
                with contextlib.suppress(psutil.Error):
                    total += child.memory_full_info().pss
            self.peak = max(self.peak, total)

    def stop_mb(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak / 2**20


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
            [str(f) for f in files], store, runner=runner, near=DEFAULT_NEAR if near else None, search=search
        )
    runner.close()
    return summary.pages_read + summary.quarantined


def _child(phase: str, files: list[Path]) -> None:
    memory = PeakMemory()
    start = time.perf_counter()
    if phase == "floor":
        count = floor(files)
    else:
        _, workers, near, search = phase.split(":")
        count = marsad(files, int(workers), near == "near", search == "search")
    elapsed = time.perf_counter() - start
    print(json.dumps({"count": count, "seconds": elapsed, "peak_mb": memory.stop_mb()}))


def _run(phase: str, files: list[Path]) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", phase, *map(str, files)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--child", nargs="+")
    args = parser.parse_args()
    if args.child:
        _child(args.child[0], [Path(p) for p in args.child[1:]])
        return
    files = sorted(args.data.glob("*.zip"))
    if not files:
        sys.exit(f"no ZIP files under {args.data}")
    rows = [
        ("floor: read+unzip+parse+hash", _run("floor", files)),
        ("ingest, 1 process, exact only", _run("marsad:1:exact:-", files)),
        ("ingest, 2 workers, exact only", _run("marsad:2:exact:-", files)),
        ("ingest, 2 workers, exact + search", _run("marsad:2:exact:search", files)),
        ("default (near + search), half", _run("marsad:2:near:search", files[: len(files) // 2])),
        ("default (near + search), whole", _run("marsad:2:near:search", files)),
    ]
    floor_rate = rows[0][1]["count"] / rows[0][1]["seconds"]
    print(f"{'phase':34} {'items':>7} {'seconds':>8} {'items/s':>9} {'×floor':>7} {'peak MB':>8}")
    for label, row in rows:
        rate = row["count"] / row["seconds"]
        print(
            f"{label:34} {row['count']:7.0f} {row['seconds']:8.2f} {rate:9.0f} "
            f"{floor_rate / rate:7.2f} {row['peak_mb']:8.0f}"
        )


if __name__ == "__main__":
    main()
