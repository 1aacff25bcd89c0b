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
import gzip
import json
import sys
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from marsad.model import Page
from marsad.read import ReadOptions
from marsad.read.common import json_bytes
from marsad.read.records import record_page
from marsad.segment import Segmenter, find_agencies

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "tests" / "data" / "wire_labels.tsv"
DEFAULT_DATA = ROOT.parent / "shared" / "data"


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


def load_pages(keys: Iterable[str], data: Path = DEFAULT_DATA) -> dict[str, Page]:
    """The labelled records as Marsad reads them (record_page: the same field detection)."""
    wanted = set(keys)
    records: dict[str, dict[str, object]] = {}
    for zpath in sorted((data / "saudinewsnet").glob("*.zip")):
        mine = {int(k.split("#")[1]) for k in wanted if k.startswith(f"saudinewsnet/{zpath.name}#")}
        if mine:
            with zipfile.ZipFile(zpath) as archive:
                rows = json.loads(archive.read(archive.namelist()[0]))
            records.update({f"saudinewsnet/{zpath.name}#{i}": rows[i] for i in mine})
    lines = {int(k.split("#")[1]) for k in wanted if k.startswith("ant#")}
    with gzip.open(data / "ant" / "ant_v2_1.jsonl.gz", "rt", encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            if number in lines:
                records[f"ant#{number}"] = json.loads(line)
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
    hits = len(true & found)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(true) if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "labels": len(true), "predicted": len(found)}


def evaluate(data: Path = DEFAULT_DATA) -> dict[str, dict[str, dict[str, float]]]:
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
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--errors", action="store_true", help="list the records Marsad gets wrong")
    parser.add_argument("--json", type=Path, help="write the figures as JSON")
    args = parser.parse_args(argv)
    report = evaluate(args.data)
    print(
        f"{'system':<28} {'corpus':<13} {'precision':>9} {'recall':>7} {'F1':>6} {'labels':>7} {'found':>6}"
    )
    for name, corpora in report.items():
        for corpus, figures in corpora.items():
            if corpus == "errors":
                continue
            print(
                f"{name:<28} {corpus:<13} {figures['precision']:>9.3f} {figures['recall']:>7.3f}"
                f" {figures['f1']:>6.3f} {figures['labels']:>7.0f} {figures['predicted']:>6.0f}"
            )
    if args.errors:
        for key, error in report["marsad"]["errors"].items():
            print(f"{key}\t{error}")
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
