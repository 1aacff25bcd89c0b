"""Anchor: datasketch MinHashLSH (128 permutations, threshold 0.8) on Arabic-normalized word 5-grams.

Runs inside bench/anchors/.venvs/datasketch (see setup.sh), never in Marsad's environment, so the
Arabic normalization is copied here (the same rules as marsad.text.normalize, conceptually): alef
forms → ا, ى → ي, ة → ه, tashkeel U+064B–U+0652 and dagger alef U+0670 dropped, tatweel dropped;
then lowercase and words are runs of ``\\w``. A text of fewer than 5 words gives one shingle.

MinHashes are computed in `--workers` processes (datasketch itself is single-threaded; the other
anchors use both cores too); the LSH index is built in one process, streaming: each document is
queried against the documents before it, then inserted, so every candidate pair is reported once.
The predicted pairs are the LSH candidates, unverified (that is what MinHashLSH answers).

    python run_datasketch.py INPUT.jsonl OUTPUT.json [--workers 2]

INPUT.jsonl: one {"id": int, "text": str} per line. OUTPUT.json: {"pairs": [[i, j], ...], ...}.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from importlib.metadata import version
from multiprocessing import Pool

from anchor_input import read_input
from datasketch import MinHash, MinHashLSH

NUM_PERM = 128
THRESHOLD = 0.8
NGRAM = 5

# (old, new) pairs applied with str.replace: a few C passes, far faster than str.translate with a dict
_FOLDS = [(c, "\u0627") for c in "\u0622\u0623\u0625\u0671"]  # آ أ إ ٱ → ا
_FOLDS += [("\u0649", "\u064a"), ("\u0629", "\u0647")]  # ى → ي, ة → ه
_FOLDS += [(chr(c), "") for c in [*range(0x064B, 0x0653), 0x0670, 0x0640]]  # tashkeel, dagger alef, tatweel
_WORD = re.compile(r"\w+")


def normalize(text: str) -> str:
    for old, new in _FOLDS:
        if old in text:
            text = text.replace(old, new)
    return text


def shingles(text: str) -> set[bytes]:
    words = _WORD.findall(normalize(text).lower())
    if not words:
        return set()
    if len(words) < NGRAM:
        return {" ".join(words).encode()}
    return {" ".join(words[i : i + NGRAM]).encode() for i in range(len(words) - NGRAM + 1)}


def minhash_chunk(texts: list[str]) -> list[MinHash | None]:
    grams = [shingles(text) for text in texts]
    hashed = iter(MinHash.bulk([list(g) for g in grams if g], num_perm=NUM_PERM))
    # an empty MinHash would collide with every other empty one: empty texts get none
    return [next(hashed) if g else None for g in grams]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    ids, texts = read_input(args.input)
    seconds["read"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    step = 500
    chunks = [texts[i : i + step] for i in range(0, len(texts), step)]
    minhashes: list[MinHash | None] = []
    if args.workers > 1:
        with Pool(args.workers) as pool:
            for part in pool.imap(minhash_chunk, chunks):
                minhashes.extend(part)
    else:
        for chunk in chunks:
            minhashes.extend(minhash_chunk(chunk))
    seconds["minhash"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    pairs: list[tuple[int, int]] = []
    for position, m in enumerate(minhashes):
        if m is None:
            continue
        doc = ids[position]
        pairs.extend((min(doc, other), max(doc, other)) for other in lsh.query(m))
        lsh.insert(doc, m)
    seconds["lsh"] = time.perf_counter() - t0

    result = {
        "anchor": "datasketch",
        "versions": {"datasketch": version("datasketch")},
        "params": {
            "num_perm": NUM_PERM,
            "threshold": THRESHOLD,
            "ngram": NGRAM,
            "bands": lsh.b,
            "rows": lsh.r,
        },
        "pair_source": "LSH candidates (query before insert)",
        "docs": len(ids),
        "pairs": sorted(set(pairs)),
        "seconds": seconds,
    }
    with open(args.output, "w", encoding="utf-8") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
