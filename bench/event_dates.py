"""Event dates against the 80 SaudiNewsNet articles read by eye (tests/data/event_dates.tsv).

Each row names a record and the date its event happened, as read in its dateline and lead
(empty: the lead says no date that is the event's). Drawn with seed 20261204 from an archive of
2015-08-06 and 2015-08-07: 50 articles the date reader had dated and 30 it had not, each read
(2026-12-04). Marsad's `event_date` (the dateline's date, else the lead's first date within 45
days before or a day after the page's date) is scored beside the baseline of a system with no date
reader, whose event date is the page's own date, in the same run.

    uv run python bench/event_dates.py
"""

from __future__ import annotations

import csv
import sys
from datetime import date

from common import ROOT
from marsad.enrich.dates import event_date
from marsad.segment import segment

sys.path.insert(0, str(ROOT))
from tests.conftest import shared_record

ROWS = ROOT / "tests" / "data" / "event_dates.tsv"


def main() -> None:
    with ROWS.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    marsad = baseline = 0
    wrong = []
    for row in rows:
        page = shared_record(row["key"])
        article = segment(page).articles[0]
        when = page.published or page.fetched
        reference = when.date() if when else date.today()
        found = event_date(article.text, article.dated, reference)
        said = found.isoformat() if found else ""
        marsad += said == row["event_date"]
        baseline += reference.isoformat() == row["event_date"]
        if said != row["event_date"]:
            wrong.append(f"  {row['key']}: {said or '—'} (read: {row['event_date'] or '—'}) {row['note']}")
    print(f"{len(rows)} SaudiNewsNet articles read by eye")
    print(f"{'system':<44}{'right':>8}")
    print(f"{'the page date (baseline)':<44}{baseline:>5} / {len(rows)}")
    print(f"{'Marsad event_date':<44}{marsad:>5} / {len(rows)}")
    print("\n".join(["wrong:", *wrong]) if wrong else "none wrong")


if __name__ == "__main__":
    main()
