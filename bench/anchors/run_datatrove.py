"""Anchor: datatrove's MinHash deduplication pipeline, as its own example runs it (four stages).

Runs inside bench/anchors/.venvs/datatrove (see setup.sh). Settings: word 5-grams, 14 buckets ×
8 hashes (datatrove's defaults; LSH threshold about (1/14)^(1/8) ≈ 0.72), 64-bit xxhash, the
default text normalization, and datatrove's word tokenizer for Arabic (`ara_Arab` → a blank
spaCy "ar" pipeline: no model is downloaded).

1. signatures: `--workers` tasks, one per input shard (the input is split into that many JSONL
   files first; datatrove reads one task per file);
2. buckets: 14 tasks (one per bucket) on `--workers` processes;
3. clusters: one task, union-find over the duplicate pairs, saving cluster ids;
4. filter: `--workers` tasks; kept documents and removed ones (exclusion writer) are both written
   with their metadata, where `minhash_cluster_id` is attached.

datatrove's reader skips documents whose text is empty, so its document indices are not the
input positions: documents are mapped back by the "id" each input line carries, which the reader
keeps as the document id. Every pair inside a cluster is a predicted pair.

    python run_datatrove.py INPUT.jsonl OUTPUT.json [--workers 2] [--keep DIR]

INPUT.jsonl: one {"id": int, "text": str} per line. OUTPUT.json: {"pairs": [[i, j], ...], ...}.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from collections import defaultdict
from importlib.metadata import version
from pathlib import Path

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.dedup.minhash import (
    MinhashConfig,
    MinhashDedupBuckets,
    MinhashDedupCluster,
    MinhashDedupFilter,
    MinhashDedupSignature,
)
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter
from datatrove.utils.hashing import HashConfig
from datatrove.utils.typeshelper import Languages

LANGUAGE = Languages.arabic__arab


def split_input(source: Path, folder: Path, shards: int) -> int:
    """Split the input into `shards` contiguous JSONL files (datatrove gives one file per task)."""
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    folder.mkdir(parents=True)
    step = -(-len(lines) // shards) if lines else 1
    for shard in range(shards):
        (folder / f"{shard:05d}.jsonl").write_text("".join(lines[shard * step : (shard + 1) * step]), "utf-8")
    return len(lines)


def run(work: Path, workers: int) -> tuple[dict[int, int], dict[str, float]]:
    """Run the four stages in `work`; the cluster id of every document in a cluster, by input id."""
    config = MinhashConfig(
        n_grams=5, num_buckets=14, hashes_per_bucket=8, hash_config=HashConfig(precision=64, hash_fc="xxhash")
    )
    tasks = len(list((work / "input").glob("*.jsonl")))
    seconds: dict[str, float] = {}

    def stage(name: str, executor: LocalPipelineExecutor) -> None:
        t0 = time.perf_counter()
        executor.run()
        seconds[name] = time.perf_counter() - t0

    stage(
        "signatures",
        LocalPipelineExecutor(
            pipeline=[
                JsonlReader(str(work / "input"), compression=None),
                MinhashDedupSignature(
                    output_folder=str(work / "signatures"), config=config, language=LANGUAGE
                ),
            ],
            tasks=tasks,
            workers=workers,
            logging_dir=str(work / "logs" / "signatures"),
        ),
    )
    stage(
        "buckets",
        LocalPipelineExecutor(
            pipeline=[
                MinhashDedupBuckets(
                    input_folder=str(work / "signatures"), output_folder=str(work / "buckets"), config=config
                )
            ],
            tasks=config.num_buckets,
            workers=workers,
            logging_dir=str(work / "logs" / "buckets"),
        ),
    )
    stage(
        "clusters",
        LocalPipelineExecutor(
            pipeline=[
                MinhashDedupCluster(
                    input_folder=str(work / "buckets"),
                    output_folder=str(work / "remove_ids"),
                    config=config,
                    save_cluster_id=True,
                )
            ],
            tasks=1,
            logging_dir=str(work / "logs" / "clusters"),
        ),
    )
    stage(
        "filter",
        LocalPipelineExecutor(
            pipeline=[
                JsonlReader(str(work / "input"), compression=None),
                MinhashDedupFilter(
                    input_folder=str(work / "remove_ids"),
                    load_cluster_ids=True,
                    exclusion_writer=JsonlWriter(str(work / "removed"), compression=None),
                ),
                JsonlWriter(str(work / "kept"), compression=None),
            ],
            tasks=tasks,
            workers=workers,
            logging_dir=str(work / "logs" / "filter"),
        ),
    )

    t0 = time.perf_counter()
    cluster_of: dict[int, int] = {}
    for path in sorted((work / "kept").glob("*.jsonl")) + sorted((work / "removed").glob("*.jsonl")):
        with path.open(encoding="utf-8") as f:
            for line in f:
                doc = json.loads(line)
                cluster = doc["metadata"].get("minhash_cluster_id", -1)
                if cluster >= 0:
                    cluster_of[int(doc["id"])] = cluster
    seconds["read back"] = time.perf_counter() - t0
    return cluster_of, seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("input", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="work in this (new) folder and keep it, for inspection")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="datatrove-"))
    try:
        t0 = time.perf_counter()
        docs = split_input(args.input, work / "input", args.workers)
        seconds = {"split input": time.perf_counter() - t0}
        cluster_of, stage_seconds = run(work, args.workers)
        seconds.update(stage_seconds)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)

    members: dict[int, list[int]] = defaultdict(list)
    for doc, cluster in sorted(cluster_of.items()):
        members[cluster].append(doc)
    pairs = sorted((a, b) for group in members.values() for k, a in enumerate(group) for b in group[k + 1 :])
    result = {
        "anchor": "datatrove",
        "versions": {name: version(name) for name in ("datatrove", "spacy", "xxhash")},
        "params": {"n_grams": 5, "num_buckets": 14, "hashes_per_bucket": 8, "language": str(LANGUAGE)},
        "pair_source": "all pairs inside each cluster",
        "docs": docs,
        "clusters": len(members),
        "clustered_docs": len(cluster_of),
        "pairs": pairs,
        "seconds": seconds,
    }
    args.output.write_text(json.dumps(result), encoding="utf-8")


if __name__ == "__main__":
    main()
