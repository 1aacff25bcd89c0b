import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from marsad.model import Page, ReadFailure
from marsad.segment import Segmenter
from marsad.service import page_write
from marsad.store.base import WriteBatch
from marsad.store.sqlite import SqliteStore, migrations
from tests.conftest import MakeStore


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


def test_exact_duplicates_become_one_article_with_provenance(make_store: MakeStore) -> None:
    a = _page("a.txt", PAGE_A, "wadi.example", 5)
    b = _page("b.txt", PAGE_B, "sahil.example", 3)
    with make_store("m") as store:
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


def test_one_batch_or_two_give_the_same_article(make_store: MakeStore) -> None:
    a = _page("a.txt", PAGE_A, "wadi.example", 5)
    b = _page("b.txt", PAGE_B, "sahil.example", 3)
    with make_store("one") as one, make_store("two") as two:
        one.write(_batch(a, b), "t")
        two.write(_batch(a), "t")
        two.write(_batch(b), "t")
        assert list(one.articles()) == list(two.articles())


def test_rewriting_a_batch_changes_nothing(make_store: MakeStore) -> None:
    a = _page("a.txt", PAGE_A, "wadi.example", 5)
    failure = ReadFailure("bad.bin", "binary file", b"\x00\x01")
    with make_store("m") as store:
        batch = _batch(a)
        batch.failures.append(failure)
        store.write(batch, "t")
        before = store.counts()
        again = store.write(batch, "t")
        assert (again.pages_new, again.articles_new, again.quarantined) == (0, 0, 0)
        assert store.counts() == before
        assert [q.reason for q in store.quarantined()] == ["binary file"]
        assert store.quarantined_raw("bad.bin") == [b"\x00\x01"]


def test_articles_to_check_for_near_duplicates_come_from_the_change_log(make_store: MakeStore) -> None:
    """Near-duplicate linking reads new articles from the change log after its own cursor: none
    until a full batch waits (during an ingest), then the oldest; once its cursor moves past them
    they are never offered again, and copies or cleaned texts are not offered to it at all."""
    from marsad.dedup.linking import CONSUMER, link_near_duplicates
    from marsad.dedup.near import Thresholds
    from marsad.model import article_key

    pages = [
        _page(f"p{i}.txt", f"خبر رقم {i} عن موضوع مختلف تماما في كل مرة {'كلمة ' * i}", "x.example", 1)
        for i in range(1, 8)
    ]
    with make_store("n") as store:
        batch = _batch(*pages)
        store.write(batch, "2025-03-10T00:00:00+00:00")
        ids = [occ.article_id for write in batch.pages for occ in write.occurrences]
        assert store.new_articles(0, 5, at_least=8) == []
        first = store.new_articles(0, 5, at_least=5)
        assert [doc.key for _, doc in first] == [article_key(i) for i in ids[:5]]
        assert all(doc.outlet == "x.example" for _, doc in first)
        positions = [pos for pos, _ in first]
        assert positions == sorted(positions)
        link_near_duplicates(store, Thresholds(), batch_size=5, full_batches_only=True)
        assert store.cursor(CONSUMER) == positions[-1]
        assert store.new_articles(store.cursor(CONSUMER), 5, at_least=5) == []
        store.write(_batch(pages[0]), "2025-03-11T00:00:00+00:00")  # the same page: nothing new
        rest = store.new_articles(store.cursor(CONSUMER), 5)
        assert [doc.key for _, doc in rest] == [article_key(i) for i in ids[5:]]


def test_the_change_log_says_what_changed_in_order(make_store: MakeStore) -> None:
    """Every article added, copied by another page or cleaned appends to the log; positions grow
    with every write, and a consumer sees each change once from its cursor."""
    a = _page("a.txt", PAGE_A, "wadi.example", 5)
    b = _page("b.txt", PAGE_B, "sahil.example", 3)
    with make_store("c") as store:
        store.write(_batch(a), "2025-03-10T00:00:00+00:00")
        added = store.changes_after(0, 100)
        assert [c.pos for c in added] == [1] and store.last_change() == 1
        store.write(_batch(b), "2025-03-11T00:00:00+00:00")  # the same article from another page
        copied = store.changes_after(1, 100)
        assert [(c.pos, c.key) for c in copied] == [(2, added[0].key)]
        assert store.changes_after(0, 100, kinds=["new"]) == added
        assert store.changed_since(0) == 1 and store.changed_since(2) == 0


def test_copies_merge_fields_by_spelling_and_keep_datelines(make_store: MakeStore) -> None:
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
    with make_store("m") as store:
        store.write(_batch(_page("a.txt", first, "one.example", 1)), "2025-03-10T00:00:00+00:00")
        store.write(_batch(_page("b.txt", second, "two.example", 2)), "2025-03-10T00:00:00+00:00")
        (record,) = list(store.articles())
    assert record.tags == ["إيلون ماسك", "تسلا", "سبيس إكس"]
    assert record.related == ["ماسك يعلن خطة"]
    assert (record.dateline, record.place, record.wire) == ("الرياض - واس", "الرياض", ["SPA"])
    assert [ref.dateline for ref in record.pages] == ["الرياض - واس", "واس (جدة)"]
