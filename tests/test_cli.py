"""The CLI end to end, in real processes on real SQLite files."""

import json
import os
import random
import re
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
    assert stats["stories_encoder"] is None  # (terms only, unless --stories-encoder)


def test_enrich_tags_once_and_again_on_demand(tmp_path: Path, seeds: list[Path]) -> None:
    db = tmp_path / "m.db"
    assert run("ingest", *map(str, seeds), "--db", str(db)).returncode == 0
    assert run("enrich", "--db", str(db), "--workers", "1").stderr.strip() == "tagged 3 articles"
    assert run("enrich", "--db", str(db), "--workers", "1").stderr.strip() == "tagged 0 articles"
    listed = run("entities", "--db", str(db), "--json", "--limit", "100").stdout
    again = run("enrich", "--db", str(db), "--workers", "1", "--again")
    assert again.stderr.strip() == "tagged 3 articles"
    assert run("entities", "--db", str(db), "--json", "--limit", "100").stdout == listed


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


# --- robustness: errors, interrupts, a second writer, what a folder walk reads, start-up ----------

SAMPLE_PAGES = Path(__file__).resolve().parents[1] / "src" / "marsad" / "sample" / "pages"


def one_error_line(done: subprocess.CompletedProcess[str]) -> str:
    """The single line a failed command prints: `error: …`, no traceback."""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    return lines[0]


def write_many_pages(folder: Path, count: int) -> None:
    """`count` distinct text pages of random sample-corpus words in 7 outlet folders, every 10th
    an exact copy and every 25th a copy with one word changed (a near-duplicate) of an earlier one."""
    texts = (p.read_text("utf-8", errors="ignore") for p in SAMPLE_PAGES.rglob("*.txt"))
    words = sorted({word for text in texts for word in re.findall("[\u0621-\u064a]{3,}", text)})
    rng = random.Random(5)
    written: list[str] = []
    for i in range(count):
        if i % 10 == 9:
            text = written[i // 2]
        elif i % 25 == 24:
            changed = written[i // 3].split(" ")
            changed[7] = "تعديل"
            text = " ".join(changed)
        else:
            text = "\n\n".join(" ".join(rng.choices(words, k=40)) + "." for _ in range(3))
        written.append(text)
        site = folder / f"outlet{i % 7}.example"
        site.mkdir(parents=True, exist_ok=True)
        (site / f"page-{i:05}.txt").write_text(f"{text}\n\nالمصدر: واس\n", encoding="utf-8")


def pages_stored(db: Path) -> int:
    """Pages committed so far, read the way another process would (WAL lets it read beside the writer)."""
    import sqlite3

    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as reader:
            return int(reader.execute("SELECT COUNT(*) FROM pages").fetchone()[0])
    except sqlite3.OperationalError:  # the schema is not there yet
        return 0


def wait_for_pages(db: Path, process: subprocess.Popen[str], at_least: int = 1) -> None:
    deadline = time.monotonic() + 120
    while pages_stored(db) < at_least:
        assert process.poll() is None, "the ingest ended before it was stopped"
        assert time.monotonic() < deadline
        time.sleep(0.05)


def comparable(articles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """An export without first-seen times (the article's, and each page's `seen_at`): a text page
    with no date is first seen when it is ingested."""
    rows = [{k: v for k, v in a.items() if k != "first_seen"} for a in articles]
    for row in rows:
        pages = [{k: v for k, v in p.items() if k != "seen_at"} for p in row["pages"]]
        row["pages"] = sorted(pages, key=lambda p: p["source"])
    return sorted(rows, key=lambda a: a["id"])


@pytest.fixture(scope="module")
def many_pages(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    """A folder of 4,000 pages and the export of one uninterrupted ingest of it."""
    folder = tmp_path_factory.mktemp("many") / "pages"
    write_many_pages(folder, 4000)
    reference = folder.parent / "reference.db"
    done = run("ingest", str(folder), "--db", str(reference), "--batch-pages", "50")
    assert done.returncode == 0, done.stderr
    return folder, comparable(export(reference))


def start_ingest(folder: Path, db: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*MARSAD, "ingest", str(folder), "--db", str(db), "--batch-pages", "20", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )


@pytest.mark.slow
def test_ctrl_c_stops_after_the_batch_and_a_rerun_resumes(
    tmp_path: Path, many_pages: tuple[Path, list[dict[str, Any]]]
) -> None:
    folder, expected = many_pages
    db = tmp_path / "interrupted.db"
    process = start_ingest(folder, db, "--workers", "2")
    wait_for_pages(db, process)
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C does: the ingest and its workers
    out, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("interrupted: ") and "run the same command" in lines[0], (
        err
    )
    assert "Traceback" not in err + out
    stored = pages_stored(db)
    assert 0 < stored < 4000  # it stopped early, everything before the stop committed
    assert f"{stored:,} new pages stored" in lines[0]
    resumed = run("ingest", str(folder), "--db", str(db), "--batch-pages", "20")
    assert resumed.returncode == 0, resumed.stderr
    assert comparable(export(db)) == expected


def test_a_second_writer_waits_or_says_the_archive_is_busy(tmp_path: Path) -> None:
    """While a writer holds the archive (here this test, as an ingest would), another ingest
    told to wait briefly says the archive is busy and who holds it; one told to wait longer
    waits, then writes everything once the first lets go."""
    from marsad.service import writing

    db = tmp_path / "shared.db"
    with writing(db, wait=0):
        busy = run("ingest", str(SAMPLE_PAGES), "--db", str(db), "--wait", "0.5")
        assert busy.returncode == 1
        line = one_error_line(busy)
        assert "busy" in line and str(db) in line and f"pid {os.getpid()}" in line
        patient = subprocess.Popen(
            [*MARSAD, "ingest", str(SAMPLE_PAGES), "--db", str(db), "--wait", "300"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(2)
        assert patient.poll() is None  # still waiting for the archive
        assert pages_stored(db) == 0
    patient_err = patient.communicate(timeout=300)[1]
    assert patient.returncode == 3, patient_err  # the sample corpus has broken pages
    assert "Traceback" not in patient_err
    sample_only = tmp_path / "sample.db"
    assert run("ingest", str(SAMPLE_PAGES), "--db", str(sample_only)).returncode == 3
    stats = json.loads(run("stats", "--db", str(db), "--json").stdout)
    sample_stats = json.loads(run("stats", "--db", str(sample_only), "--json").stdout)
    assert stats["pages"] == sample_stats["pages"] > 0


def test_bad_db_paths_are_one_line_usage_errors(tmp_path: Path, seeds: list[Path]) -> None:
    folder = tmp_path / "a-folder.db"
    folder.mkdir()
    not_sqlite = tmp_path / "notes.db"
    not_sqlite.write_text("not a database at all\n" * 100)
    cases = [
        (("ingest", str(seeds[0]), "--db", str(tmp_path / "missing" / "m.db")), "missing", "does not exist"),
        (("ingest", str(seeds[0]), "--db", str(folder)), str(folder), "is a folder"),
        (("stats", "--db", str(folder)), str(folder), "is a folder"),
        (("ingest", str(seeds[0]), "--db", str(not_sqlite)), str(not_sqlite), "not a Marsad archive"),
        (("export", "--db", str(not_sqlite)), str(not_sqlite), "not a Marsad archive"),
        (("search", "x", "--db", str(tmp_path / "none.db")), "none.db", "does not exist"),
    ]
    for args, names, says in cases:
        done = run(*args)
        assert done.returncode == 2, (args, done.stderr)
        line = one_error_line(done)
        assert names in line and says in line, line
    assert not_sqlite.read_text() == "not a database at all\n" * 100  # never written to


def test_failures_are_one_line_naming_the_file(tmp_path: Path, seeds: list[Path]) -> None:
    db = tmp_path / "m.db"
    assert run("ingest", str(seeds[0]), "--db", str(db)).returncode == 0
    out = tmp_path / "no-such-folder" / "out.jsonl"
    done = run("export", "--db", str(db), "--out", str(out))
    assert done.returncode == 1 and str(out) in one_error_line(done)
    # another process writing the search index (tantivy allows one writer): a real process holds it
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from marsad.search.tantivy_index import TantivyIndex\n"
            "with TantivyIndex(Path(sys.argv[1])).writing():\n"
            "    print('holding', flush=True); sys.stdin.read()",
            f"{db}.search",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "holding\n"
        done = run("ingest", str(seeds[1]), "--db", str(db))
        assert done.returncode == 1
        assert f"{db}.search" in one_error_line(done)
    finally:
        holder.communicate("", timeout=60)
    assert run("ingest", str(seeds[1]), "--db", str(db)).returncode == 0  # once it is free


def test_an_unexpected_error_is_one_line_with_a_hint_and_a_traceback_on_request(
    tmp_path: Path, seeds: list[Path]
) -> None:
    db = tmp_path / "m.db"
    assert run("ingest", *map(str, seeds), "--db", str(db)).returncode == 0
    (tmp_path / "m.db.search" / "meta.json").write_text("{damaged")  # tantivy cannot open it
    done = run("search", "بوتين", "--db", str(db))
    assert done.returncode == 1
    assert "MARSAD_DEBUG=1" in one_error_line(done)
    debug = subprocess.run(
        [*MARSAD, "search", "بوتين", "--db", str(db)],
        capture_output=True,
        text=True,
        env={**os.environ, "MARSAD_DEBUG": "1"},
        timeout=600,
    )
    assert debug.returncode == 1 and "Traceback" in debug.stderr


def test_a_query_that_starts_with_a_dash_goes_after_double_dash(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    assert run("ingest", str(SAMPLE_PAGES), "--db", str(db)).returncode == 3

    def ids(*args: str) -> list[str]:
        done = run("search", "--db", str(db), "--json", *args)
        assert done.returncode == 0, done.stderr
        return [hit["id"] for hit in json.loads(done.stdout)["hits"]]

    everywhere = ids("دولار")
    not_aggregator = ids("--", "-outlet:aggregator دولار")
    assert not_aggregator == ids("دولار -outlet:aggregator")
    assert not_aggregator and set(not_aggregator) < set(everywhere)
    mistaken = run("search", "-outlet:aggregator دولار", "--db", str(db))
    assert mistaken.returncode == 2
    line = one_error_line(mistaken)
    assert "No such option" in line and "'--'" in line and "-- QUERY" in line


def test_damaged_utf8_is_quarantined_not_stored_garbled(tmp_path: Path, seeds: list[Path]) -> None:
    good = seeds[0].read_bytes()
    folder = tmp_path / "in"
    folder.mkdir()
    offset = good.index("الكرملين".encode())
    (folder / "damaged.txt").write_bytes(good[:offset] + b"\xff" + good[offset:])
    legacy = "أعلنت وزارة الصحة اليوم عن حملة تطعيم جديدة في المدارس.\n\nالمصدر: واس\n"
    (folder / "legacy.txt").write_bytes(legacy.encode("cp1256"))  # real windows-1256 still reads
    db = tmp_path / "m.db"
    done = run("ingest", str(folder), "--db", str(db))
    assert done.returncode == 3, done.stderr
    articles = export(db)
    assert [a["text"][:17] for a in articles] == ["أعلنت وزارة الصحة"]
    (record,) = json.loads(run("quarantine", "--db", str(db), "--json").stdout)
    assert record["source"].endswith("damaged.txt")
    assert "damaged UTF-8" in record["reason"] and f"at byte {offset}" in record["reason"]


def test_a_folder_walk_reads_known_input_types_only(tmp_path: Path, seeds: list[Path]) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "page.txt").write_bytes(seeds[0].read_bytes())
    (folder / "sub" / "page.htm").write_text(
        "<html><body><article><p>أعلنت وزارة الصحة اليوم عن حملة تطعيم جديدة في المدارس.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    notes = folder / "notes.md"
    notes.write_bytes(seeds[1].read_bytes())  # a page, but named like notes: skipped in a folder
    (folder / "README").write_text("How these pages were collected.\n")
    (folder / "sub" / "fetch.py").write_text("print('fetching')\n")
    (folder / "sub" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    db = tmp_path / "m.db"
    done = run("ingest", str(folder), "--db", str(db))
    assert done.returncode == 0, done.stderr  # nothing quarantined: the others were never read
    skipped = [line for line in done.stderr.splitlines() if line.startswith("skipped: ")]
    assert len(skipped) == 1 and "4 files in folders, not of a known input type" in skipped[0], done.stderr
    for kind in (".md", "no extension", ".py", ".png"):
        assert kind in skipped[0]
    assert sorted(Path(p["source"]).name for p in export(db, "--pages")) == ["page.htm", "page.txt"]
    named = run("ingest", str(notes), "--db", str(db))  # named on the command line: read anyway
    assert named.returncode == 0, named.stderr
    assert "notes.md" in {Path(p["source"]).name for p in export(db, "--pages")}


def test_importing_the_cli_loads_no_heavy_library() -> None:
    """`marsad --help` must answer at once: NumPy, tantivy, pyarrow, Dask and CRFsuite load in the
    commands."""
    heavy = "{'numpy','tantivy','pyarrow','dask','distributed','pycrfsuite'}"
    probe = f"import marsad.cli, sys; print(sorted(m for m in sys.modules if m.split('.')[0] in {heavy}))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    helped = run("--help")
    assert helped.returncode == 0 and "ingest" in helped.stdout
