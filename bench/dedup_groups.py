"""Do duplicate groups hold copies of one article, or chains of different stories?

Every pair of distinct articles inside every group is scored the same way for every grouping:
a pair is right when its word 5-shingle Jaccard is ≥ 0.5, or when it is an edited copy (shingle
Jaccard ≥ 0.4 and word-set Jaccard ≥ 0.85, both texts ≥ 30 shingles: a copy with words replaced
here and there, the `edited` link's definition). Pair precision = right pairs / all pairs.

Groupings compared in the same run, over the very same verified links Marsad stored:
- **Marsad** (stars): every member linked to its group's anchor by a `near` or `edited` link;
  `contained` never merges (marsad.dedup.groups);
- **union of links** (the baseline, Marsad's groups before): connected components of all links,
  `contained` included.

Two views: SaudiNewsNet ingested by Marsad (two days, then all), and the planted set of
bench/dedup_quality.py (anchors with ten kinds of copy, 700 short articles in one template),
where "mixed" counts articles in a group that holds more than one planted story.

    uv run python bench/dedup_groups.py [--days 2] [--json out.json]
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from common import (  # bench/'s shared module (a sibling script, not a package)
    SAUDINEWSNET,
    clusters,
    print_table,
    saudinewsnet_texts,
    saudinewsnet_titles,
    saudinewsnet_zips,
    timed,
    write_json,
)
from dedup_quality import plant
from dedup_truth import KINDS, cached_truth, overlap
from marsad.dedup.groups import regroup
from marsad.dedup.near import (
    EDITED_MIN_JACCARD,
    EDITED_MIN_SHINGLES,
    EDITED_WORD_JACCARD,
    find_near_duplicates,
)
from marsad.read import ReadOptions
from marsad.service import ingest
from marsad.store.sqlite import SqliteStore
from marsad.text.shingle import matching_tokens, shingles

RIGHT_JACCARD = 0.5
Link = tuple[int, int, str, float]


def pair_right(a: str, b: str, cache: dict[str, tuple[Any, set[str]]]) -> tuple[bool, float]:
    """(right, Jaccard) of one pair inside a group, scored as the module docstring says."""
    for text in (a, b):
        if text not in cache:
            cache[text] = (shingles(text), set(matching_tokens(text)))
    (sa, wa), (sb, wb) = cache[a], cache[b]
    jaccard = overlap(sa, sb)[0] if sa.size + sb.size else 0.0
    if jaccard >= RIGHT_JACCARD:
        return True, jaccard
    words = len(wa & wb) / max(len(wa | wb), 1)
    edited = jaccard >= EDITED_MIN_JACCARD and words >= EDITED_WORD_JACCARD
    return edited and min(sa.size, sb.size) >= EDITED_MIN_SHINGLES, jaccard


def score_groups(
    groups: Iterable[Sequence[int]], texts: Sequence[str], names: Sequence[str] | None = None
) -> dict[str, Any]:
    """Pair precision of groups; `names` (e.g. record locators) label the wrong pairs shown."""
    cache: dict[str, tuple[Any, set[str]]] = {}
    sizes, right, total, wrong_examples = [], 0, 0, []
    for members in groups:
        if len(members) < 2:
            continue
        sizes.append(len(members))
        for x, y in itertools.combinations(sorted(members), 2):
            ok, jaccard = pair_right(texts[x], texts[y], cache)
            right += ok
            total += 1
            if not ok and len(wrong_examples) < 8:
                label = (names[x], names[y]) if names else (x, y)
                wrong_examples.append((*label, round(jaccard, 3)))
    return {
        "groups": len(sizes),
        "articles": sum(sizes),
        "largest": max(sizes, default=0),
        "pairs": total,
        "precision": right / total if total else 1.0,
        "wrong": wrong_examples,
    }


def star_groups(links: Iterable[Link]) -> list[list[int]]:
    clusters: dict[int, set[int]] = {}
    for seq, anchor in regroup(links).items():
        clusters.setdefault(anchor, {anchor}).add(seq)
    return [sorted(members) for members in clusters.values()]


def union_groups(links: Iterable[Link], n: int) -> list[list[int]]:
    return clusters(((a, b) for a, b, _, _ in links), n)


def corpus_view(paths: list[str]) -> dict[str, Any]:
    """Ingest with Marsad (no search index), then score both groupings over its stored links."""
    with (
        tempfile.TemporaryDirectory(prefix="marsad-groups-") as tmp,
        SqliteStore(Path(tmp) / "g.db") as store,
    ):
        _, seconds = timed(lambda: ingest(paths, store, ReadOptions(), search=False))
        records = list(store.articles())
        index = {record.article_id: i for i, record in enumerate(records)}
        texts = [record.text for record in records]
        names = [record.pages[0].source.rsplit("/", 1)[-1] if record.pages else "" for record in records]
        links = [(index[a], index[b], kind, score) for a, b, kind, score in store.near_links()]
        stored = {index[a]: index[g] for a, g in store.group_anchors().items()}
    stars: dict[int, list[int]] = {}
    for member, anchor in stored.items():
        stars.setdefault(anchor, []).append(member)
    return {
        "articles": len(texts),
        "links": dict(Counter(kind for _, _, kind, _ in links)),
        "ingest_seconds": seconds,
        "marsad": score_groups(stars.values(), texts, names),
        "union of links": score_groups(union_groups(links, len(texts)), texts, names),
    }


def planted_view(data: Path) -> dict[str, Any]:
    """The planted set: groups holding more than one planted story, for both groupings."""
    texts = [text for _, text in saudinewsnet_texts(data)]
    truth = cached_truth(texts)  # planted anchors are never articles with a copy in the corpus
    excluded = {d for kind in KINDS for pair in truth.pairs[kind] for d in pair}
    planted = plant(texts, saudinewsnet_titles(data), exclude=excluded)
    story = {}
    for kind_pairs in planted.planted.values():
        for a, b in kind_pairs:
            story[a] = story[b] = a
    for t in planted.trap:
        story[t] = -1 - t  # every trap article is its own story
    found = find_near_duplicates(planted.texts)
    links = [(int(x.a), int(x.b), str(x.kind), float(x.score)) for x in found]
    report = {}
    for name, groups in (
        ("marsad", star_groups(links)),
        ("union of links", union_groups(links, len(planted.texts))),
    ):
        mixed = [g for g in groups if len({story.get(i, i) for i in g}) > 1]
        together = sum(
            1
            for pairs in planted.planted.values()
            for a, b in pairs
            if any(a in g and b in g for g in groups)
        )
        report[name] = {
            "mixed_groups": len(mixed),
            "articles_in_mixed_groups": sum(len(g) for g in mixed),
            "largest": max((len(g) for g in groups), default=0),
            "planted_pairs_grouped": together,
            "planted_pairs": sum(len(p) for p in planted.planted.values()),
            **score_groups(groups, planted.texts),
        }
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=SAUDINEWSNET, help="the SaudiNewsNet folder")
    parser.add_argument("--days", type=int, default=2, help="days of SaudiNewsNet for the small view")
    parser.add_argument("--skip-planted", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    zips = [str(p) for p in saudinewsnet_zips(args.data)]
    report: dict[str, Any] = {
        f"SaudiNewsNet, {args.days} days": corpus_view(zips[: args.days]),
        "SaudiNewsNet, all": corpus_view(zips),
    }
    if not args.skip_planted:
        report["planted"] = planted_view(args.data)
    columns = [("grouping", "<16"), ("groups", ">7"), ("articles", ">9"), ("largest", ">8")]
    columns += [("pairs", ">8"), ("precision", ">10.3f")]
    keys = ("groups", "articles", "largest", "pairs", "precision")
    groupings = ("marsad", "union of links")
    for view, figures in report.items():
        print(f"\n{view}")
        print_table(
            columns, [(name, *(figures[name][key] for key in keys)) for name in groupings], indent="  "
        )
        for name in groupings:
            row = figures[name]
            if "mixed_groups" in row:
                print(
                    f"  {name:<16} mixed groups {row['mixed_groups']}, articles in them"
                    f" {row['articles_in_mixed_groups']}, planted pairs grouped"
                    f" {row['planted_pairs_grouped']}/{row['planted_pairs']}"
                )
            if row["wrong"]:
                print(f"  {name:<16} wrong pairs, e.g. {row['wrong']}")
    write_json(args.json, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
