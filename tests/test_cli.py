"""The CLI end to end, in real processes on real SQLite files."""

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import shared_path

MARSAD = [sys.executable, "-m", "marsad"]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*MARSAD, *args], capture_output=True, text=True, cwd=cwd, timeout=600)


def export(db: Path, *extra: str) -> list[dict[str, Any]]:
    done = run("export", "--db", str(db), *extra)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_seeds_give_three_distinct_articles(tmp_path: Path, seeds: list[Path]) -> None:
    db = tmp_path / "seeds.db"
    done = run("ingest", *map(str, seeds), "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert "exact duplicates" in done.stdout
    articles = export(db)
    assert len(articles) == 3
    by_start = {a["text"][:10]: a for a in articles}
    kremlin = next(a for a in articles if a["text"].startswith("رد الكرملين"))
    assert kremlin["title"] is None
    assert kremlin["wire"] == ["AFP"]
    assert kremlin["publisher"] == "صحيفة الاتحاد"
    assert kremlin["tags"] == ["فلاديمير بوتين", "إيلون ماسك", "محادثات سرية"]
    assert kremlin["related"] == [
        "بوتين يجدد شرط بلاده لإنجاز اتفاق سلام مع أوكرانيا",
        "بوتين يحذر من حرب شاملة في الشرق الأوسط",
    ]
    assert sorted(p["source"] for p in kremlin["pages"]) == sorted(map(str, seeds))
    assert all(p["position"] == 0 for p in kremlin["pages"])
    titles = {a["title"] for a in articles}
    assert titles == {
        None,
        "تقرير: كيف تصدت أوكرانيا لأسطول الدفاع البحري الروسي الكبير؟",
        "إيلون ماسك: أوروبا بحاجة ماسة لإلغاء القيود التنظيمية بشكل جذري",
    }
    assert len(by_start) == 3
    for article in articles:
        assert isinstance(article["id"], str) and article["first_seen"]
        assert "\nإعلان\n" not in article["text"]
        for marker in ("المصدر:", "كلمات دلالية", "أخبار ذات صلة", "إقرأ أيضاً", "مقالات مشابهة"):
            assert marker not in article["text"]

    pages = export(db, "--pages")
    assert len(pages) == 2
    for page in pages:
        assert page["articles"][0] == kremlin["id"] and len(page["articles"]) == 2
        assert len(page["similar"]) == 10
        for headline in page["similar"]:
            assert all(headline not in a["text"] for a in articles)


def test_reingest_changes_nothing(tmp_path: Path, seeds: list[Path]) -> None:
    db = tmp_path / "m.db"
    assert run("ingest", *map(str, seeds), "--db", str(db)).returncode == 0
    before = export(db)
    again = run("ingest", *map(str, seeds), "--db", str(db))
    assert again.returncode == 0
    assert export(db) == before
    stats = json.loads(run("stats", "--db", str(db), "--json").stdout)
    assert (stats["pages"], stats["articles"], stats["exact_duplicates"]) == (2, 3, 1)


def test_default_db_and_parquet(tmp_path: Path, seeds: list[Path]) -> None:
    assert run("ingest", *map(str, seeds), cwd=tmp_path).returncode == 0
    assert (tmp_path / "marsad.db").exists()
    out = tmp_path / "corpus.parquet"
    assert run("export", "--format", "parquet", "--out", str(out), cwd=tmp_path).returncode == 0
    import pyarrow.parquet as pq

    table = pq.read_table(out)
    assert table.num_rows == 3
    assert set(table.column_names) >= {
        "id",
        "title",
        "text",
        "wire",
        "publisher",
        "tags",
        "related",
        "pages",
        "first_seen",
    }


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run("export", "--db", str(tmp_path / "none.db")).returncode == 2
    assert run("ingest").returncode == 2
    done = run("export", "--format", "xml", "--db", str(tmp_path / "x.db"))
    assert done.returncode == 2


def test_bad_input_is_quarantined_and_good_pages_ingested(tmp_path: Path, seeds: list[Path]) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (folder / "only-boilerplate.txt").write_text("المصدر: وام\n\nكلمات دلالية: اقتصاد\n", encoding="utf-8")
    (folder / "seed.txt").write_bytes(seeds[0].read_bytes())
    legacy = "أعلنت وزارة الصحة اليوم عن حملة تطعيم جديدة في المدارس.\n\nالمصدر: واس\n"
    (folder / "legacy.txt").write_bytes(legacy.encode("cp1256"))
    db = tmp_path / "m.db"
    done = run("ingest", str(folder), "--db", str(db))
    assert done.returncode == 3, done.stderr
    for name in ("empty.txt", "image.txt", "only-boilerplate.txt"):
        assert name in done.stderr
    articles = export(db)
    assert len(articles) == 3
    legacy_article = next(a for a in articles if a["text"].startswith("أعلنت وزارة الصحة"))
    assert legacy_article["wire"] == ["SPA"]
    listing = run("quarantine", "--db", str(db), "--json")
    assert listing.returncode == 0
    reasons = {Path(q["source"]).name: q["reason"] for q in json.loads(listing.stdout)}
    assert set(reasons) == {"empty.txt", "image.txt", "only-boilerplate.txt"}
    assert "empty" in reasons["empty.txt"] and "binary" in reasons["image.txt"]


@pytest.mark.slow
def test_kill_9_during_ingest_then_resume_loses_and_doubles_nothing(tmp_path: Path) -> None:
    data = shared_path("data", "saudinewsnet", "2015-07-21.zip")
    reference = tmp_path / "reference.db"
    assert run("ingest", str(data), "--db", str(reference), "--batch-pages", "200").returncode in (0, 3)
    expected = export(reference)
    db = tmp_path / "killed.db"
    rng = random.Random(7)
    for _ in range(3):
        process = subprocess.Popen(
            [*MARSAD, "ingest", str(data), "--db", str(db), "--batch-pages", "200"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(rng.uniform(1.0, 4.0))
        os.killpg(process.pid, signal.SIGKILL)  # the ingest and its worker processes, at once
        process.wait()
    assert run("ingest", str(data), "--db", str(db), "--batch-pages", "200").returncode in (0, 3)
    resumed = export(db)
    key = lambda a: a["id"]  # noqa: E731
    assert sorted(resumed, key=key) == sorted(expected, key=key)
