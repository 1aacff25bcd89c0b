"""The mentions judged by eye (tests/data/entity_judgments.tsv, how they were made:
tests/data/entity_judgments.md): the file is whole and consistent, every record is one of
../shared whose page holds the mention, and bench/entity_sample.py scores it."""

from __future__ import annotations

import csv
import re
import sys

import pytest

from tests.conftest import REPO, shared_path, shared_record

sys.path.insert(0, str(REPO / "bench"))

from entity_sample import JUDGMENTS, wilson

RECORD = re.compile(r"^(saudinewsnet/2015-\d\d-\d\d\.zip|ant)#\d+$")
COLUMNS = ["corpus", "n", "record", "article", "field", "start", "stop", "mention", "type", "entity"]
COLUMNS += ["mention_ok", "link_ok", "note", "context"]


def rows() -> list[dict[str, str]]:
    with JUDGMENTS.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        assert reader.fieldnames == COLUMNS
        return list(reader)


def test_the_judgements_are_whole_and_consistent() -> None:
    judged = rows()
    assert [row["corpus"] for row in judged].count("saudinewsnet") == 100
    assert [row["corpus"] for row in judged].count("ant") == 100
    for row in judged:
        assert RECORD.match(row["record"]) and row["record"].startswith(
            ("saudinewsnet/", "ant#")[row["corpus"] == "ant"]
        )
        assert re.fullmatch(r"[0-9a-f]{32}", row["article"]) and row["field"] in ("title", "text")
        assert row["type"] in ("PERS", "ORG", "LOC", "MISC")
        assert row["mention_ok"] in ("0", "1") and row["link_ok"] in ("0", "1")
        assert int(row["stop"]) - int(row["start"]) == len(row["mention"])
        assert f"[[{row['mention']}]]" in row["context"]
        wrong = row["mention_ok"] == "0" or row["link_ok"] == "0"
        assert bool(row["note"]) == wrong, row  # every wrong one says why, and only those


def test_wilson_interval_brackets_the_proportion() -> None:
    low, high = wilson(82, 100)
    assert 0.72 < low < 0.82 < high < 0.89
    assert wilson(0, 0) == (0.0, 1.0)


@pytest.mark.slow
def test_every_record_is_a_shared_page_holding_the_mention() -> None:
    shared_path("data", "saudinewsnet")
    for row in rows():
        page = shared_record(row["record"])  # the page as read, before segmenting
        written = " ".join(f"{page.title or ''} {page.text}".split())
        assert " ".join(row["mention"].split()) in written, row["record"]
