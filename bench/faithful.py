"""How faithful is the archive to real outlets? Before/after figures on SaudiNewsNet + ANT.

Both corpora are ingested into one archive by the code in this tree and by a baseline commit
(default: the last release before credits, templates and star groups), each with its own
`marsad` (the baseline runs from a git worktree with its own environment), in the same run.
Both archives are exported and measured the same way:

- wire: articles with a wire credit;
- furniture left in the text: articles whose text still holds an outlet's known template
  (BBC's app promotion, alweeam's story link, alarabia's disclaimer, SPA's end mark and time
  stamp, a slider's "Next Previous", CNN's "قد يهمك", separators, SMS contact lines);
- split articles: ANT pages cut into more than one article (their records hold one each);
- datelines as titles: titles that read as a dateline or byline;
- spelling repeats: articles whose tags or related headlines hold one value twice in two spellings;
- HTML entities left in any field.

    uv run python bench/faithful.py [--baseline COMMIT] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from common import ANT, ROOT, SAUDINEWSNET, print_table, require, write_json
from marsad.segment.credits import read_credit
from marsad.text import form_key

BASELINE = "48fc596"  # the last landed commit before this work

FURNITURE = {
    "BBC app promotion": re.compile(r"يمكنكم (استلام|تسلم) إشعارات"),
    "alweeam story link": re.compile(r"رابط الخبر بصحيفة الوئام"),
    "alarabia disclaimer": re.compile(r"جميع المقالات المنشورة تمثل رأي كتابها"),
    "SPA end mark": re.compile(r"//\s*(انتهى|يتبع)\s*//"),
    "SPA time stamp": re.compile(r"(^|\n)\s*\d{1,2}:\d{2}\s*ت\s*م\s*($|\n)"),
    "Next Previous": re.compile(r"Next Previous"),
    "CNN قد يهمك": re.compile(r"(^|\n)\s*قد يهمك( أيضا)?\s*:"),
    "separator line": re.compile(r"(^|\n)\s*[-_=*×]{5,}\s*($|\n)"),
    "SMS contact line": re.compile(r"للتواصل مع الكاتب|ثم مسافة ثم"),
}
ENTITY = re.compile(r"&(#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def marsad(tree: Path, *args: str) -> None:
    """`marsad ARGS` as that tree's own code runs it (its own locked environment)."""
    done = subprocess.run(
        ["uv", "run", "--locked", "--project", str(tree), "marsad", *args],
        capture_output=True,
        text=True,
        cwd=tree,
        check=False,
    )
    if done.returncode not in (0, 3):  # 3: some input quarantined (the empty records)
        raise SystemExit(
            f"marsad {' '.join(args)} in {tree} failed ({done.returncode}):\n{done.stderr[-2000:]}"
        )


def build(tree: Path, folder: Path) -> tuple[Path, Path]:
    db = folder / "archive.db"
    marsad(tree, "ingest", str(SAUDINEWSNET), str(ANT), "--db", str(db))
    articles, pages = folder / "articles.jsonl", folder / "pages.jsonl"
    marsad(tree, "export", "--db", str(db), "--out", str(articles))
    marsad(tree, "export", "--db", str(db), "--pages", "--out", str(pages))
    return articles, pages


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


def measure(articles: Path, pages: Path) -> dict[str, int]:
    figures: dict[str, int] = {"articles": 0, "with wire": 0, "datelines as titles": 0}
    figures.update({f"text holds: {name}": 0 for name in FURNITURE})
    figures.update({"tags or related repeated in two spellings": 0, "fields with HTML entities": 0})
    for article in read_jsonl(articles):
        figures["articles"] += 1
        figures["with wire"] += bool(article["wire"])
        for name, pattern in FURNITURE.items():
            figures[f"text holds: {name}"] += bool(pattern.search(article["text"]))
        title = article.get("title") or ""
        outlet = article["pages"][0]["outlet"] if article["pages"] else None
        if title and read_credit(title, outlet) is not None:
            figures["datelines as titles"] += 1
        tags, related = article.get("tags") or [], article.get("related") or []
        figures["tags or related repeated in two spellings"] += any(
            len({form_key(v) for v in values}) < len(values) for values in (tags, related)
        )
        fields = [title, article["text"], article.get("publisher") or "", *tags, *related]
        figures["fields with HTML entities"] += any(ENTITY.search(value) for value in fields)
    figures["ANT pages split into several articles"] = sum(
        1 for page in read_jsonl(pages) if ".jsonl.gz#" in page["source"] and len(page["articles"]) > 1
    )
    return figures


def baseline_tree(commit: str, parent: Path) -> Path:
    tree = parent / f"baseline-{commit}"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), commit], check=True)
    return tree


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", default=BASELINE, help="commit to compare with")
    parser.add_argument("--keep", type=Path, help="keep the archives and exports in this folder")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    for corpus in (SAUDINEWSNET, ANT):
        require(corpus)
    work = args.keep or Path(tempfile.mkdtemp(prefix="marsad-faithful-"))
    work.mkdir(parents=True, exist_ok=True)
    tree = baseline_tree(args.baseline, work)
    try:
        systems: dict[str, Callable[[], tuple[Path, Path]]] = {
            f"baseline {args.baseline}": lambda: build(tree, (work / "before")),
            "this tree": lambda: build(ROOT, (work / "after")),
        }
        report = {}
        for name, make in systems.items():
            (work / ("before" if name.startswith("baseline") else "after")).mkdir(exist_ok=True)
            report[name] = measure(*make())
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False)
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    names = list(report)
    columns = [("", "<48"), *((name, ">18,") for name in names)]
    print_table(columns, ((metric, *(report[n][metric] for n in names)) for metric in report[names[0]]))
    write_json(args.json, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
