"""Anchor: text-dedup's MinHash deduplication (text_dedup.minhash), with its defaults but for the
threshold (0.8) and n-gram size (5, its default).

Runs inside bench/anchors/.venvs/textdedup (see setup.sh). text-dedup's defaults: 250
permutations, bands × rows from datasketch's `optimal_param` for the threshold, SHA-1 hashes,
64-bit mode, tokens are the pieces of ``re.split(r"\\W", text.lower())`` (empty pieces included: no
Arabic normalization), documents under 5 tokens left out, `num_proc` = `--workers`.

text-dedup reads a Hugging Face dataset: the input is turned into one (`Dataset.from_list`) and
saved to disk, and its command is run on it (`--local`), in this process, so that its module
level union-find (`text_dedup.minhash.uf`) can be read afterwards: its clusters are the answer
(text-dedup itself only writes the deduplicated dataset). Union-find keys are positions in the
dataset; the dataset is built in input order, so position → input id is the list of ids. Every
pair inside a cluster is a predicted pair.

    python run_textdedup.py INPUT.jsonl OUTPUT.json [--workers 2]

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

from anchor_input import read_input

THRESHOLD = 0.8
NGRAM = 5


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("input", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    import datasets
    import text_dedup.minhash as td_minhash
    from text_dedup.utils import optimal_param

    seconds["import"] = time.perf_counter() - t0

    work = Path(tempfile.mkdtemp(prefix="textdedup-"))
    try:
        t0 = time.perf_counter()
        ids, texts = read_input(args.input)
        datasets.Dataset.from_dict({"id": ids, "text": texts}).save_to_disk(str(work / "input"))
        seconds["to dataset"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        # click command; standalone_mode=False returns instead of calling sys.exit
        td_minhash.main.main(
            [
                "--path", str(work / "input"), "--local",
                "--output", str(work / "output"),
                "--column", "text",
                "--threshold", str(THRESHOLD),
                "--ngram", str(NGRAM),
                "--num_proc", str(args.workers),
                "--cache_dir", str(work / "cache"),
            ],
            standalone_mode=False,
        )  # fmt: skip
        seconds["text-dedup"] = time.perf_counter() - t0
        uf = td_minhash.uf
    finally:
        shutil.rmtree(work, ignore_errors=True)

    members: dict[int, list[int]] = defaultdict(list)
    for position in sorted(uf.parent):
        members[uf.find(position)].append(ids[position])
    groups = [sorted(g) for g in members.values() if len(g) > 1]
    pairs = sorted((a, b) for group in groups for k, a in enumerate(group) for b in group[k + 1 :])
    bands, rows = optimal_param(THRESHOLD, 250, false_positive_weight=0.5, false_negative_weight=0.5)
    result = {
        "anchor": "text-dedup",
        "versions": {name: version(name) for name in ("text-dedup", "datasets")},
        "params": {"threshold": THRESHOLD, "ngram": NGRAM, "num_perm": 250, "bands": bands, "rows": rows},
        "pair_source": "all pairs inside each union-find cluster",
        "docs": len(ids),
        "clusters": len(groups),
        "clustered_docs": sum(map(len, groups)),
        "pairs": pairs,
        "seconds": seconds,
    }
    args.output.write_text(json.dumps(result), encoding="utf-8")


if __name__ == "__main__":
    main()
