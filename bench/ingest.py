"""Ingest benchmark: Marsad end to end against the floor, on all of SaudiNewsNet.

The floor is what no ingest can beat: read the ZIP files, decompress, JSON-parse and hash every
article. Marsad does that plus decoding, segmentation, normalization, exact dedup and SQLite
writes. Each phase runs in its own process so its peak RSS (VmHWM) is its own. Marsad runs on
half the corpus and on all of it, to show that memory does not grow with the corpus.

    uv run python bench/ingest.py [--data ../shared/data/saudinewsnet]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import orjson

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "saudinewsnet"


def _peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


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


def marsad(files: list[Path]) -> int:
    from marsad.service import ingest
    from marsad.store.sqlite import SqliteStore

    with tempfile.TemporaryDirectory() as tmp, SqliteStore(Path(tmp) / "bench.db") as store:
        summary = ingest([str(f) for f in files], store)
        return summary.pages_read + summary.quarantined


def _child(phase: str, files: list[Path]) -> None:
    start = time.perf_counter()
    count = floor(files) if phase == "floor" else marsad(files)
    elapsed = time.perf_counter() - start
    print(json.dumps({"count": count, "seconds": elapsed, "peak_rss_mb": _peak_rss_mb()}))


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
        ("marsad ingest, half corpus", _run("marsad", files[: len(files) // 2])),
        ("marsad ingest, whole corpus", _run("marsad", files)),
    ]
    floor_rate = rows[0][1]["count"] / rows[0][1]["seconds"]
    print(f"{'phase':32} {'items':>7} {'seconds':>8} {'items/s':>9} {'×floor':>7} {'peak RSS MB':>12}")
    for label, row in rows:
        rate = row["count"] / row["seconds"]
        print(
            f"{label:32} {row['count']:7.0f} {row['seconds']:8.2f} {rate:9.0f} "
            f"{floor_rate / rate:7.2f} {row['peak_rss_mb']:12.0f}"
        )


if __name__ == "__main__":
    main()
