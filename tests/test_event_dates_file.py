"""The event dates read by eye (tests/data/event_dates.tsv, scored by bench/event_dates.py): the file
is whole, every key a SaudiNewsNet record of ../shared, and Marsad's event dates agree with it."""

from __future__ import annotations

import csv
import re
from datetime import date

import pytest

from marsad.enrich.dates import event_date
from marsad.segment import segment
from tests.conftest import REPO, shared_path, shared_record

ROWS = REPO / "tests" / "data" / "event_dates.tsv"


def rows() -> list[dict[str, str]]:
    with ROWS.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        assert reader.fieldnames == ["key", "event_date", "note"]
        return list(reader)


def test_the_file_is_whole() -> None:
    read = rows()
    assert len(read) == 80 and len({row["key"] for row in read}) == 80
    assert sum(bool(row["event_date"]) for row in read) == 52  # 50 drawn dated, 2 more found by reading
    for row in read:
        assert re.fullmatch(r"saudinewsnet/2015-08-0[67]\.zip#\d+", row["key"]), row
        assert not row["event_date"] or date.fromisoformat(row["event_date"])


@pytest.mark.slow
def test_marsad_dates_the_read_articles_as_read() -> None:
    shared_path("data", "saudinewsnet")
    for row in rows():
        page = shared_record(row["key"])
        article = segment(page).articles[0]
        when = page.published or page.fetched
        assert when is not None
        found = event_date(article.text, article.dated, when.date())
        assert (found.isoformat() if found else "") == row["event_date"], row["key"]
