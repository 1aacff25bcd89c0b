import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from marsad.model import Page, ReadFailure
from marsad.segment import Segmenter
from marsad.service import page_write
from marsad.store.base import WriteBatch
from marsad.store.sqlite import SqliteStore, migrations


def _page(source: str, text: str, outlet: str, day: int) -> Page:
    return Page(
        source=source,
        raw=text.encode(),
        text=text,
        outlet=outlet,
        published=datetime(2025, 3, day, tzinfo=UTC),
    )


BODY = "الفقرة الأولى من خبر الوكالة عن افتتاح المعرض.\n\nالفقرة الثانية من الخبر."
PAGE_A = f"{BODY}\n\nالمصدر: وام\n\nكلمات دلالية: معرض، افتتاح"
# The same article with tashkeel, a hamza variant and other layout: an exact duplicate.
PAGE_B = "الفقرةُ الأولى من خبر الوكالة عن إفتتاح المعرض.\nالفقرة الثانية  من الخبر.\n\nالمصدر: صحيفة الوادي"


def _batch(*pages: Page) -> WriteBatch:
    segmenter = Segmenter()
    return WriteBatch(pages=[page_write(segmenter.segment(p), "2025-03-10T00:00:00+00:00") for p in pages])


def test_schema_is_versioned_and_wal(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "m.db")
    assert store.schema_version == max(v for v, _ in migrations())
    store.close()
    mode = sqlite3.connect(tmp_path / "m.db").execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    SqliteStore(tmp_path / "m.db").close()  # reopening migrates nothing twice


def test_new_files_get_large_pages_and_old_files_keep_theirs(tmp_path: Path) -> None:
    from marsad.store.sqlite import PAGE_SIZE

    SqliteStore(tmp_path / "new.db").close()
    old = sqlite3.connect(tmp_path / "old.db")
    old.execute("CREATE TABLE made_before (x)")  # a file from before (4 KB pages, SQLite's default)
    old.close()
    SqliteStore(tmp_path / "old.db").close()
    sizes = {
        name: sqlite3.connect(tmp_path / name).execute("PRAGMA page_size").fetchone()[0]
        for name in ("new.db", "old.db")
    }
    assert sizes == {"new.db": PAGE_SIZE, "old.db": 4096}


def test_exact_duplicates_become_one_article_with_provenance(tmp_path: Path) -> None:
    a = _page("a.txt", PAGE_A, "wadi.example", 5)
    b = _page("b.txt", PAGE_B, "sahil.example", 3)
    with SqliteStore(tmp_path / "m.db") as store:
        result = store.write(_batch(a, b), "2025-03-10T00:00:00+00:00")
        assert (result.pages_new, result.articles_new, result.exact_duplicates) == (2, 1, 1)
        (article,) = store.articles()
        assert article.text == BODY  # the first copy as published, not normalized
        assert article.wire == ["WAM"] and article.publisher == "صحيفة الوادي"
        assert article.tags == ["معرض", "افتتاح"]
        assert {(r.source, r.outlet, r.position) for r in article.pages} == {
            ("a.txt", "wadi.example", 0),
            ("b.txt", "sahil.example", 0),
        }
        assert article.first_seen == "2025-03-03T00:00:00+00:00"
        assert store.counts()["exact_duplicates"] == 1


def test_one_batch_or_two_give_the_same_article(tmp_path: Path) -> None:
    a = _page("a.txt", PAGE_A, "wadi.example", 5)
    b = _page("b.txt", PAGE_B, "sahil.example", 3)
    with SqliteStore(tmp_path / "one.db") as one, SqliteStore(tmp_path / "two.db") as two:
        one.write(_batch(a, b), "t")
        two.write(_batch(a), "t")
        two.write(_batch(b), "t")
        assert list(one.articles()) == list(two.articles())


def test_rewriting_a_batch_changes_nothing(tmp_path: Path) -> None:
    a = _page("a.txt", PAGE_A, "wadi.example", 5)
    failure = ReadFailure("bad.bin", "binary file", b"\x00\x01")
    with SqliteStore(tmp_path / "m.db") as store:
        batch = _batch(a)
        batch.failures.append(failure)
        store.write(batch, "t")
        before = store.counts()
        again = store.write(batch, "t")
        assert (again.pages_new, again.articles_new, again.quarantined) == (0, 0, 0)
        assert store.counts() == before
        assert [q.reason for q in store.quarantined()] == ["binary file"]
        assert store.quarantined_raw("bad.bin") == [b"\x00\x01"]


def test_articles_to_check_for_near_duplicates_come_in_order_and_in_full_batches(tmp_path: Path) -> None:
    """Ingest asks after every batch for a full batch of unchecked articles: it gets none until
    there are enough, then the oldest; once checked they are never offered again."""
    from marsad.dedup.near import link_batch

    pages = [
        _page(f"p{i}.txt", f"خبر رقم {i} عن موضوع مختلف تماما في كل مرة {'كلمة ' * i}", "x.example", 1)
        for i in range(1, 8)
    ]
    with SqliteStore(tmp_path / "n.db") as store:
        store.write(_batch(*pages), "2025-03-10T00:00:00+00:00")
        assert store.unindexed_docs(5, at_least=8) == []
        first = store.unindexed_docs(5, at_least=5)
        assert [doc.seq for doc in first] == [1, 2, 3, 4, 5]
        assert all(doc.outlet == "x.example" for doc in first)
        with store.transaction():
            link_batch(first, store)
        assert store.unindexed_docs(5, at_least=5) == []
        assert [doc.seq for doc in store.unindexed_docs(5)] == [6, 7]


def test_copies_merge_fields_by_spelling_and_keep_datelines(tmp_path: Path) -> None:
    """Exact copies from two pages: tags and related headlines once per spelling, the first
    dateline and place kept, every page's own dateline on its reference."""
    body = (
        "وقعت الشركة اتفاقية جديدة لتوسيع مصنعها في المنطقة الصناعية.\n\n"
        "وقال المدير إن المصنع يبدأ العام المقبل."
    )
    first = f"الرياض - واس\n{body}\n\nالكلمات الدالة: إيلون ماسك، تسلا"
    second = (
        f"واس (جدة)\n{body}\n\nالكلمات الدالة: ايلون ماسك، سبيس إكس\n\n"
        "أخبار ذات صلة ماسك يعلن خطة | ماسك يُعلن خطة"
    )
    with SqliteStore(tmp_path / "m.db") as store:
        store.write(_batch(_page("a.txt", first, "one.example", 1)), "2025-03-10T00:00:00+00:00")
        store.write(_batch(_page("b.txt", second, "two.example", 2)), "2025-03-10T00:00:00+00:00")
        (record,) = list(store.articles())
    assert record.tags == ["إيلون ماسك", "تسلا", "سبيس إكس"]
    assert record.related == ["ماسك يعلن خطة"]
    assert (record.dateline, record.place, record.wire) == ("الرياض - واس", "الرياض", ["SPA"])
    assert [ref.dateline for ref in record.pages] == ["الرياض - واس", "واس (جدة)"]
