"""Named entities as an archive shows them, read by eye: draw mentions to judge, and score the
judgements (tests/data/entity_judgments.tsv; how they were made: tests/data/entity_judgments.md).

ANERcorp's score (bench/ner.py) says how the tagger does on a 2007 corpus with its own
conventions; this says how often a name the archive shows on real pages is right. Mentions are
drawn uniformly at random from an archive tagged by `marsad enrich` (every mention as stored, in
the order article key, field, offset; `random.Random(seed).sample`), and each is shown with its
context and the entity it links to. A reader judges two things: the mention (its span is the
whole name and its type is right, in CoNLL's conventions as ANERcorp follows them: a stadium or
a base is a place, a product MISC, a league named for a sponsor is not the sponsor) and the link
(the entity it joins is that referent, and the referent's only entity).

    uv run python bench/entity_sample.py draw ARCHIVE [--n 100] [--seed 20261204]
    uv run python bench/entity_sample.py score [FILE]

Precision only: a name the tagger missed is never drawn (ANERcorp measures recall).
"""

from __future__ import annotations

import argparse
import csv
import math
import random
import sqlite3
import sys
from collections import defaultdict
from pathlib import Path

from common import ROOT

JUDGMENTS = ROOT / "tests" / "data" / "entity_judgments.tsv"
SEED = 20261204
CONTEXT = 60  # characters shown before a mention (40 after)


def draw(archive: Path, n: int, seed: int) -> list[dict[str, str]]:
    """`n` mentions of an SQLite archive, drawn with `seed`, with their context and entity."""
    db = sqlite3.connect(f"file:{archive}?mode=ro", uri=True)  # a read-only look at a finished archive
    mentions = db.execute(
        "SELECT article_key, field, start, stop, mention, type, entity_id FROM article_entities "
        "ORDER BY article_key, field, start"
    ).fetchall()
    entities = {
        e: (name, merged)
        for e, name, merged in db.execute("SELECT entity_id, name, merged_into FROM entities")
    }

    def shown(entity: str) -> str:
        for _ in range(5):  # an entity merged into a fuller one is shown as that one
            merged = entities.get(entity, ("", None))[1]
            if not merged:
                break
            entity = merged
        return entities.get(entity, ("?", None))[0]

    drawn = []
    for key, field, start, stop, mention, kind, entity in random.Random(seed).sample(mentions, n):
        assert field in ("title", "text")
        article, text = db.execute(
            f"SELECT article_id, {field} FROM articles WHERE article_key = ?", (key,)
        ).fetchone()
        context = f"{text[max(0, start - CONTEXT) : start]}[[{text[start:stop]}]]{text[stop : stop + 40]}"
        drawn.append(
            {
                "article": article,
                "field": field,
                "start": str(start),
                "stop": str(stop),
                "mention": mention,
                "type": kind,
                "entity": shown(entity),
                "context": " ".join(context.split()),
            }
        )
    return drawn


def wilson(hits: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% Wilson interval of a proportion."""
    if not n:
        return 0.0, 1.0
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def score(path: Path) -> None:
    """Mention precision (span and type right) and link precision (of the right mentions), per
    corpus and in all, with 95% intervals; then the wrong ones by their note."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    by_corpus: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_corpus[row["corpus"]].append(row)
    head = ("corpus", "mentions", "right", "precision (95%)", "links right", "of right (95%)")
    print(
        "".join(
            f"{label:<14}" if not k else f"{label:>{(9, 7, 24, 13, 22)[k - 1]}}"
            for k, label in enumerate(head)
        )
    )
    for corpus, judged in [*by_corpus.items(), ("all", rows)]:
        right = [r for r in judged if r["mention_ok"] == "1"]
        linked = [r for r in right if r["link_ok"] == "1"]
        low, high = wilson(len(right), len(judged))
        link_low, link_high = wilson(len(linked), len(right))
        print(
            f"{corpus:<14}{len(judged):>9}{len(right):>7}"
            f"{len(right) / len(judged):>10.2f} ({low:.2f}–{high:.2f}){len(linked):>13}"
            f"{len(linked) / max(len(right), 1):>8.2f} ({link_low:.2f}–{link_high:.2f})"
        )
    print("\nwrong:")
    for row in rows:
        if row["mention_ok"] != "1" or row["link_ok"] != "1":
            print(f"  {row['corpus']:<13}{row['type']:<5}{row['mention']}: {row['note']}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    drawing = commands.add_parser("draw", help="draw mentions of an archive to judge")
    drawing.add_argument("archive", type=Path)
    drawing.add_argument("--n", type=int, default=100)
    drawing.add_argument("--seed", type=int, default=SEED)
    scoring = commands.add_parser("score", help="score a judgements file")
    scoring.add_argument("file", type=Path, nargs="?", default=JUDGMENTS)
    args = parser.parse_args()
    if args.command == "draw":
        writer = csv.writer(
            sys.stdout, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE, quotechar=None
        )
        for number, row in enumerate(draw(args.archive, args.n, args.seed)):
            writer.writerow([number, *row.values()])
    else:
        score(args.file)


if __name__ == "__main__":
    main()
