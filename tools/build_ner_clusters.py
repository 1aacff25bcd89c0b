"""Learn the word clusters the named-entity tagger uses as features (`enrich/clusters.tsv.gz`).

A CRF trained on ANERcorp's 125k tokens has seen few names; words that behave alike in a large
unlabelled corpus (names of cities, of people, of ministries…) fall into one cluster, so a name
the tagger never saw still shares a feature with names it has seen. Classic CRF taggers get most
of their gain over word features from such clusters (Brown clusters; here k-means over word2vec
vectors, which gensim learns in minutes where Brown clustering takes hours in Python).

The corpora are the unlabelled news we have: SaudiNewsNet and ANT (../shared/data), titles and
texts, as the tagger sees words (`marsad.enrich.features.word_form`: normalized, lower-cased).
ANERcorp is not read: its test part must stay unseen. Deterministic: one worker thread, fixed
seeds, a fixed hash for gensim's initial vectors.

Three nested granularities, as Brown-cluster prefixes are used: 1,024 k-means clusters over the
vectors, then 256 and 64 clusters over those clusters' centroids (each word's coarse cluster is
the one its fine cluster falls in).

    uv run --group clusters python tools/build_ner_clusters.py [--data ../shared/data] [--out PATH]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from gensim.models import KeyedVectors, Word2Vec
from scipy.cluster.vq import kmeans2

from marsad.enrich.features import word_form
from marsad.enrich.tokens import tokenize

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
OUT = ROOT / "src" / "marsad" / "enrich" / "clusters.tsv.gz"
SEED = 20150721
SIZES = (1024, 256, 64)
MIN_COUNT = 5
WINDOW = 5


def texts(data: Path) -> Iterator[str]:
    """Titles and texts of SaudiNewsNet, then ANT, in file order."""
    for path in sorted((data / "saudinewsnet").glob("*.zip")):
        with zipfile.ZipFile(path) as archive:
            name = next(n for n in sorted(archive.namelist()) if n.endswith(".json"))
            for record in json.loads(archive.read(name)):
                yield record.get("title") or ""
                yield record.get("content") or ""
    with gzip.open(data / "ant" / "ant_v2_1.jsonl.gz", "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            yield record.get("title") or ""
            yield record.get("text") or ""


def sentences(data: Path) -> list[list[str]]:
    """Every text as the tagger's word forms (punctuation kept: it is context too)."""
    out = []
    for text in texts(data):
        forms = [word_form(token.text) for token in tokenize(text)]
        if forms:
            out.append(forms)
    return out


def stable_hash(value: str) -> int:
    """gensim seeds each word's first vector with hash(word): Python's is salted per process."""
    return int.from_bytes(hashlib.blake2b(value.encode(), digest_size=4).digest(), "little")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--window", type=int, default=WINDOW, help="words either side that predict a word")
    parser.add_argument(
        "--vectors", type=Path, help="keep the word vectors in this file, and reuse them when it exists"
    )
    args = parser.parse_args()

    started = time.perf_counter()
    if args.vectors and args.vectors.exists():
        vectors = KeyedVectors.load(str(args.vectors))
    else:
        corpus = sentences(args.data)
        words = sum(map(len, corpus))
        print(f"{len(corpus):,} texts, {words:,} tokens read in {time.perf_counter() - started:.0f} s")
        model = Word2Vec(
            corpus,
            vector_size=100,
            window=args.window,
            min_count=MIN_COUNT,
            sg=1,
            negative=5,
            sample=1e-4,
            workers=1,
            epochs=args.epochs,
            seed=SEED,
            hashfxn=stable_hash,
        )
        vectors = model.wv
        if args.vectors:
            vectors.save(str(args.vectors))
    print(f"word2vec: {len(vectors):,} words in {time.perf_counter() - started:.0f} s")
    normed = vectors.get_normed_vectors().astype(np.float32)
    # random points to start from, not k-means++: scipy's ++ start is quadratic in k (hours here)
    fine_centroids, fine = kmeans2(normed, SIZES[0], iter=20, minit="points", seed=SEED)
    levels = [fine]
    for size in SIZES[1:]:
        _, coarse = kmeans2(fine_centroids, size, iter=50, minit="++", seed=SEED)
        levels.append(coarse[fine])
    print(f"clusters: {SIZES} in {time.perf_counter() - started:.0f} s")

    buffer = io.StringIO()
    buffer.write("# word\tc1024\tc256\tc64 (tools/build_ner_clusters.py; word2vec sg, k-means)\n")
    for index, word in enumerate(vectors.index_to_key):
        buffer.write(f"{word}\t" + "\t".join(str(int(level[index])) for level in levels) + "\n")
    args.out.write_bytes(gzip.compress(buffer.getvalue().encode(), mtime=0))
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
