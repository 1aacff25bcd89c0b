"""Wire attribution against the hand-labelled sample (tests/data/wire_labels.tsv, 260 records of
SaudiNewsNet and ANT, labelled by reading; see tests/data/wire_labels.md for how it was made).

Each labelled record is read by Marsad's own reader (its `author` field becomes the page byline)
and segmented; the main article's `wire` is compared with the labels, one (record, agency) pair
at a time: micro precision, recall and F1, per corpus and overall. The baseline in the same run
is what a keyword match gives: every agency named anywhere in the byline or the text.

    uv run python bench/wire_attribution.py [--errors] [--json out.json]
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from common import (
    ANT,
    ROOT,
    SAUDINEWSNET,
    SHARED_DATA,
    ant_records,
    day_records,
    prf,
    print_table,
    write_json,
)
from marsad.model import Page
from marsad.read import ReadOptions
from marsad.read.common import json_bytes
from marsad.read.records import record_page
from marsad.segment import Segmenter, find_agencies

LABELS = ROOT / "tests" / "data" / "wire_labels.tsv"


@dataclass(frozen=True)
class Labelled:
    key: str
    outlet: str
    wire: frozenset[str]
    form: str


def load_labels(path: Path = LABELS) -> list[Labelled]:
    with path.open(encoding="utf-8") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return [
            Labelled(
                row["key"], row["outlet"], frozenset(w for w in row["wire"].split(",") if w), row["form"]
            )
            for row in rows
        ]


def load_pages(keys: Iterable[str], data: Path = SHARED_DATA) -> dict[str, Page]:
    """The labelled records as Marsad reads them (record_page: the same field detection)."""
    wanted = set(keys)
    records: dict[str, dict[str, object]] = {}
    days = sorted({key.split("#")[0] for key in wanted if not key.startswith("ant#")})
    for day in days:  # saudinewsnet/<zip name>
        rows = day_records(data / SAUDINEWSNET.name / day.split("/", 1)[1])
        records.update({key: rows[int(key.split("#")[1])] for key in wanted if key.startswith(f"{day}#")})
    lines = {int(k.split("#")[1]) for k in wanted if k.startswith("ant#")}
    for number, record in ant_records(data / ANT.relative_to(SHARED_DATA)):
        if number in lines:
            records[f"ant#{number}"] = record
    pages = {}
    for key, record in records.items():
        page = record_page(record, json_bytes(record), key, key, ReadOptions())
        assert isinstance(page, Page), f"{key}: labelled record has no text"
        pages[key] = page
    return pages


def marsad_wire(segmenter: Segmenter) -> Callable[[Page], frozenset[str]]:
    def wire(page: Page) -> frozenset[str]:
        articles = segmenter.segment(page).articles
        return frozenset(articles[0].wire) if articles else frozenset()

    return wire


def named_anywhere(page: Page) -> frozenset[str]:
    """The baseline: every agency the byline or the text names, credit or citation."""
    return frozenset(find_agencies(f"{page.byline or ''}\n{page.text}"))


def score(labels: list[Labelled], predicted: dict[str, frozenset[str]]) -> dict[str, float]:
    true = {(item.key, a) for item in labels for a in item.wire}
    found = {(item.key, a) for item in labels for a in predicted[item.key]}
    precision, recall, f1 = prf(found, true)
    return {"precision": precision, "recall": recall, "f1": f1, "labels": len(true), "predicted": len(found)}


def evaluate(data: Path = SHARED_DATA) -> dict[str, dict[str, dict[str, float]]]:
    labels = load_labels()
    pages = load_pages([item.key for item in labels], data)
    systems = {"marsad": marsad_wire(Segmenter()), "named anywhere (baseline)": named_anywhere}
    report: dict[str, dict[str, dict[str, float]]] = {}
    for name, system in systems.items():
        predicted = {key: system(page) for key, page in pages.items()}
        report[name] = {
            corpus: score([x for x in labels if x.key.startswith(prefix)], predicted)
            for corpus, prefix in (("saudinewsnet", "saudinewsnet/"), ("ant", "ant#"), ("all", ""))
        }
        report[name]["errors"] = {  # type: ignore[assignment]
            item.key: {
                "labels": sorted(item.wire),
                "found": sorted(predicted[item.key]),
                "outlet": item.outlet,
            }
            for item in labels
            if predicted[item.key] != item.wire
        }
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=SHARED_DATA, help="the shared data directory")
    parser.add_argument("--errors", action="store_true", help="list the records Marsad gets wrong")
    parser.add_argument("--json", type=Path, help="write the figures as JSON")
    args = parser.parse_args(argv)
    report = evaluate(args.data)
    columns = [("system", "<28"), ("corpus", "<13"), ("precision", ">9.3f"), ("recall", ">7.3f")]
    columns += [("F1", ">6.3f"), ("labels", ">7.0f"), ("found", ">6.0f")]
    keys = ("precision", "recall", "f1", "labels", "predicted")
    print_table(
        columns,
        (
            (name, corpus, *(figures[key] for key in keys))
            for name, corpora in report.items()
            for corpus, figures in corpora.items()
            if corpus != "errors"
        ),
    )
    if args.errors:
        for key, error in report["marsad"]["errors"].items():
            print(f"{key}\t{error}")
    write_json(args.json, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
