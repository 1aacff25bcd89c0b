"""marsad.read on real files: seeds, text encodings, HTML, records, containers, WARC, feeds, bad input."""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from marsad.model import Page, ReadFailure
from marsad.read import ReadOptions, read_bytes, read_paths

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"
SAUDINEWSNET = SHARED / "data" / "saudinewsnet"

ARTICLE = "رد الكرملين، اليوم الجمعة، على تقرير صحافي أفاد بأن الرئيس الروسي فلاديمير بوتين."


def read_all(*paths: Path | str, options: ReadOptions | None = None) -> list[Page | ReadFailure]:
    return list(read_paths([str(p) for p in paths], options))


def pages(items: list[Page | ReadFailure]) -> list[Page]:
    return [item for item in items if isinstance(item, Page)]


def failures(items: list[Page | ReadFailure]) -> list[ReadFailure]:
    return [item for item in items if isinstance(item, ReadFailure)]


def only_failure(items: list[Page | ReadFailure]) -> ReadFailure:
    assert len(items) == 1 and isinstance(items[0], ReadFailure), items
    return items[0]


def records(n: int, start: int = 0) -> list[dict[str, str]]:
    return [
        {
            "source": "okaz",
            "url": f"http://okaz.example/{i}",
            "date_extracted": "2015-07-21 02:51:32",
            "title": f"عنوان {i}",
            "content": f"{ARTICLE} رقم {i}",
        }
        for i in range(start, start + n)
    ]


# --- seeds and plain text -------------------------------------------------------------------------


def require(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"../shared/data not present: {path} is missing")


def test_seed_pages_are_read_exactly() -> None:
    require(SEEDS)
    seeds = sorted(SEEDS.glob("*.txt"))
    items = read_all(SEEDS)
    assert [p.source for p in pages(items)] == [str(s) for s in seeds]
    for seed, page in zip(seeds, pages(items), strict=True):
        assert page.raw == seed.read_bytes()
        assert page.text == seed.read_text(encoding="utf-8")
        assert page.fmt == "text"
        assert page.outlet is None
        assert "  • " in page.text and "مقالات مشابهة" in page.text


def test_text_crlf_becomes_lf_and_nothing_else_changes(tmp_path: Path) -> None:
    path = tmp_path / "page.txt"
    path.write_bytes("سطر أول  \r\nسطر ثان\r\n\r\n  • بند".encode())
    (page,) = read_all(path)
    assert isinstance(page, Page)
    assert page.text == "سطر أول  \nسطر ثان\n\n  • بند"


def test_outlet_from_host_like_directory_or_options(tmp_path: Path) -> None:
    site = tmp_path / "pages" / "al-madar.example"
    site.mkdir(parents=True)
    (site / "x.txt").write_text(ARTICLE, encoding="utf-8")
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "y.txt").write_text(ARTICLE, encoding="utf-8")
    assert [p.outlet for p in pages(read_all(site / "x.txt", plain / "y.txt"))] == ["al-madar.example", None]
    forced = pages(read_all(site / "x.txt", options=ReadOptions(outlet="المدار")))
    assert forced[0].outlet == "المدار"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("utf8-bom.txt", b"\xef\xbb\xbf" + ARTICLE.encode("utf-8")),
        ("utf16le.txt", b"\xff\xfe" + ARTICLE.encode("utf-16-le")),
        ("utf16be.txt", b"\xfe\xff" + ARTICLE.encode("utf-16-be")),
        ("cp1256.txt", ARTICLE.encode("cp1256")),
        ("no-extension", ARTICLE.encode("cp1256")),
    ],
)
def test_encodings_decode_to_the_same_text(tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    (page,) = read_all(path)
    assert isinstance(page, Page), page
    assert page.text == ARTICLE
    assert page.raw == data


def test_windows_1256_html_page(tmp_path: Path) -> None:
    html = f'<html><head><meta charset="windows-1256"><title>خبر - موقع</title></head><body><p>{ARTICLE}</p>'
    path = tmp_path / "old.htm"
    path.write_bytes(html.encode("cp1256"))
    (page,) = read_all(path)
    assert isinstance(page, Page)
    assert page.text == ARTICLE and page.title == "خبر"


# --- bad input ------------------------------------------------------------------------------------


def test_missing_path_and_unmatched_glob(tmp_path: Path) -> None:
    missing = only_failure(read_all(tmp_path / "nope.txt"))
    assert missing.reason == "no such file or directory" and "nope.txt" in missing.message()
    pattern = only_failure(read_all(tmp_path / "*.json"))
    assert "matches" in pattern.reason


def test_glob_expands_sorted(tmp_path: Path) -> None:
    for name in ("b.txt", "a.txt", "c.md"):
        (tmp_path / name).write_text(f"{ARTICLE} {name}", encoding="utf-8")
    assert [p.source for p in pages(read_all(tmp_path / "*.txt"))] == [
        str(tmp_path / "a.txt"),
        str(tmp_path / "b.txt"),
    ]


def test_directory_recursion_is_sorted_and_skips_hidden(tmp_path: Path) -> None:
    for rel in ("b/2.txt", "a/z.txt", "a/b/1.txt", "0.txt", ".git/config", ".DS_Store"):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(ARTICLE, encoding="utf-8")
    sources = [p.source for p in pages(read_all(tmp_path))]
    assert sources == [str(tmp_path / r) for r in ("0.txt", "a/b/1.txt", "a/z.txt", "b/2.txt")]


def test_directory_walk_reads_known_input_types_and_reports_the_rest(tmp_path: Path) -> None:
    names = ("a.txt", "b.HTML", "c.json", "d.jsonl", "e.xml", "f.rss", "g.jsonl.gz", "h.zip", "i.warc")
    others = ("README", "notes.md", "fetch.py", "logo.png", "data.csv")
    for name in (*names, *others):
        (tmp_path / name).write_bytes(b"")
    skipped: list[str] = []
    sources = [Path(item.source).name for item in read_paths([str(tmp_path)], skipped=skipped.append)]
    assert sources == sorted(names)  # each empty, so each a failure: read, not skipped
    assert sorted(Path(path).name for path in skipped) == sorted(others)
    for name in others:  # named on the command line, or matched by a glob, a file is read anyway
        assert only_failure(read_all(tmp_path / name)).source == str(tmp_path / name)
    assert len(read_all(tmp_path / "*.md")) == 1


def test_directory_with_nothing_of_a_known_type_is_a_failure(tmp_path: Path) -> None:
    (tmp_path / "README").write_text("notes")
    failure = only_failure(read_all(tmp_path))
    assert "no input files" in failure.reason and "1 file of unknown type skipped" in failure.reason


def test_empty_file(tmp_path: Path) -> None:
    for name in ("empty.txt", "empty.html", "empty.json", "empty.jsonl", "empty"):
        (tmp_path / name).write_bytes(b"")
        failure = only_failure(read_all(tmp_path / name))
        assert name in failure.message()
        assert "empty" in failure.reason or "nothing to read" in failure.reason


def test_binary_file_is_refused_with_its_bytes(tmp_path: Path) -> None:
    data = bytes(range(256)) * 40
    path = tmp_path / "image.txt"
    path.write_bytes(data)
    failure = only_failure(read_all(path))
    assert "binary" in failure.reason and str(path) in failure.message()
    assert failure.raw == data


def test_undecodable_non_arabic_bytes_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("café crème brûlée à la française".encode("latin-1"))
    failure = only_failure(read_all(path))
    assert "not valid UTF-8" in failure.reason and "windows-1256" in failure.reason


DAMAGES: dict[str, tuple[Callable[[bytes, int], bytes], int]] = {  # (damage at an offset, stray bytes)
    "one stray byte": (lambda data, at: data[:at] + b"\xff" + data[at:], 1),
    "a letter's first byte lost": (lambda data, at: data[:at] + data[at + 1 :], 1),
    "cut in the middle of a letter": (lambda data, at: data[:at] + b"\xd8", 1),
    "a latin-1 fragment pasted in": (lambda data, at: data[:at] + "éèà".encode("latin-1") + data[at:], 3),
}


@pytest.mark.parametrize("damage", DAMAGES)
def test_damaged_utf8_is_refused_where_it_breaks_not_read_as_cp1256(tmp_path: Path, damage: str) -> None:
    """UTF-8 Arabic read as cp1256 looks like Arabic letters: a UTF-8 page with a bad byte or
    two must be refused, with the first bad byte's offset, never stored garbled."""
    data = (ARTICLE * 20).encode("utf-8")
    at = data.index("الجمعة".encode())
    damaged, stray = DAMAGES[damage]
    path = tmp_path / "page.txt"
    path.write_bytes(damaged(data, at))
    failure = only_failure(read_all(path))
    assert failure.reason.startswith("cannot decode: damaged UTF-8")
    assert f"at byte {at} " in failure.reason and f"({stray} stray byte" in failure.reason
    assert failure.raw == path.read_bytes()


def test_windows_1256_with_its_punctuation_is_not_taken_for_damaged_utf8(tmp_path: Path) -> None:
    """A cp1256 letter before «،» or «؟» happens to be a valid UTF-8 pair; a real cp1256 page
    still decodes whole."""
    text = "هل تغيب، أم تعود؟ قالت الوزارة، في بيان، إن الخطة جاهزة؛ وأضافت: نعم، هي جاهزة. " * 30
    path = tmp_path / "old.txt"
    path.write_bytes(text.encode("cp1256"))
    (page,) = read_all(path)
    assert isinstance(page, Page) and page.text == text


def test_hundred_megabyte_page_is_refused_with_size_and_limit(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    data = ARTICLE.encode("utf-8") * (100 * 1024 * 1024 // len(ARTICLE.encode("utf-8")) + 1)
    path.write_bytes(data)
    failure = only_failure(read_all(path))
    assert f"{len(data):,} bytes" in failure.reason and "20,971,520" in failure.reason
    assert failure.raw == data and str(path) in failure.message()


def test_size_limit_applies_to_each_record(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    rows = records(2)
    rows[1]["content"] = "ب" * 5000
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    items = read_all(path, options=ReadOptions(max_page_bytes=2000))
    assert isinstance(items[0], Page)
    assert isinstance(items[1], ReadFailure) and "2,000" in items[1].reason and items[1].raw


def test_unreachable_feed_url() -> None:
    url = "http://127.0.0.1:9/feed.xml"
    failure = only_failure(read_all(url, options=ReadOptions(feed_timeout=2)))
    assert failure.source == url and url in failure.reason
    assert "refused" in failure.reason.lower() or "error" in failure.reason.lower()


# --- records --------------------------------------------------------------------------------------


def test_json_array_records(tmp_path: Path) -> None:
    path = tmp_path / "2015-07-21.json"
    path.write_text(json.dumps(records(3), ensure_ascii=False), encoding="utf-8")
    items = pages(read_all(path))
    assert [p.source for p in items] == [f"{path}#{i}" for i in range(3)]
    first = items[0]
    assert first.fmt == "record" and first.outlet == "okaz" and first.title == "عنوان 0"
    assert first.url == "http://okaz.example/0" and first.published is None
    assert first.fetched == datetime(2015, 7, 21, 2, 51, 32, tzinfo=UTC)
    assert json.loads(first.raw) == records(1)[0]


def test_json_lines_with_invalid_lines(tmp_path: Path) -> None:
    lines = [json.dumps(r, ensure_ascii=False) for r in records(4)]
    lines[1] = '{"title": "broken", "content": '
    lines.insert(3, "")
    lines.insert(4, "[1, 2]")
    path = tmp_path / "feed.ndjson"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = read_all(path)
    assert [type(i).__name__ for i in items] == ["Page", "ReadFailure", "Page", "ReadFailure", "Page"]
    bad = items[1]
    assert isinstance(bad, ReadFailure)
    assert bad.source == f"{path}#1" and "line 2" in bad.reason and str(path) in bad.message()
    assert bad.raw == lines[1].encode()
    assert isinstance(items[2], Page) and items[2].raw == lines[2].encode()
    assert "line 5" in items[3].message()


def test_record_without_text_names_its_fields(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text(
        json.dumps([{"title": "t", "content": ""}, {"headline": "h", "url": "u"}]), encoding="utf-8"
    )
    first, second = read_all(path)
    assert isinstance(first, ReadFailure) and isinstance(second, ReadFailure)
    assert "record 0 has no text" in first.reason and "'content' is empty" in first.reason
    assert "record 1 has no text (fields present: headline, url)" in second.reason


def test_field_overrides_and_other_schemas(tmp_path: Path) -> None:
    row = {"id": 1, "site": "sky.example", "story": ARTICLE, "when": "2018-02-18T21:35:43+04:00"}
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    fields = {"text": "story", "published": "when"}
    (page,) = read_all(path, options=ReadOptions(fields=fields))
    assert isinstance(page, Page)
    assert page.text == ARTICLE and page.outlet == "sky.example"
    assert page.published == datetime(2018, 2, 18, 17, 35, 43, tzinfo=UTC)
    ant = {
        "outlet": "bbc",
        "text": ARTICLE,
        "date": "Sun, 18 Feb 2018 21:35:43 +0400",
        "link": "https://x.example/a",
    }
    (page,) = read_bytes("ant.jsonl", json.dumps(ant).encode())
    assert isinstance(page, Page) and page.outlet == "bbc" and page.url == "https://x.example/a"
    assert page.published == datetime(2018, 2, 18, 17, 35, 43, tzinfo=UTC)


def test_records_in_gzip_and_zip(tmp_path: Path) -> None:
    lines = "\n".join(json.dumps(r, ensure_ascii=False) for r in records(3)).encode()
    gz = tmp_path / "c.jsonl.gz"
    gz.write_bytes(gzip.compress(lines))
    zipped = tmp_path / "2015-07-21.zip"
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("2015-07-21.json", json.dumps(records(2), ensure_ascii=False))
        archive.writestr("al-madar.example/page.html", f"<html><body><p>{ARTICLE}</p></body></html>")
        archive.writestr("notes.txt", ARTICLE)
    gz_sources = [p.source for p in pages(read_all(gz))]
    assert gz_sources == [f"{gz}#{i}" for i in range(3)]
    items = pages(read_all(zipped))
    assert [p.source for p in items] == [
        f"{zipped}!2015-07-21.json#0",
        f"{zipped}!2015-07-21.json#1",
        f"{zipped}!al-madar.example/page.html",
        f"{zipped}!notes.txt",
    ]
    assert items[2].fmt == "html" and items[2].outlet == "al-madar.example" and items[2].text == ARTICLE


def test_truncated_gzip_keeps_records_before_the_cut(tmp_path: Path) -> None:
    lines = "\n".join(json.dumps(r, ensure_ascii=False) for r in records(300)).encode()
    packed = gzip.compress(lines)
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(packed[: len(packed) // 2])
    items = read_all(path)
    assert len(pages(items)) > 50
    last = items[-1]
    assert isinstance(last, ReadFailure)
    assert last.source == str(path) and "truncated or corrupt" in last.reason


def test_truncated_zip_keeps_members_and_records_before_the_cut(tmp_path: Path) -> None:
    path = tmp_path / "cut.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.json", json.dumps(records(5), ensure_ascii=False))
        archive.writestr("b.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in records(400, 5)))
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * 0.7)])
    items = read_all(path)
    got = pages(items)
    assert [p.source for p in got[:5]] == [f"{path}!a.json#{i}" for i in range(5)]
    assert len(got) > 50 and all(p.title == f"عنوان {i}" for i, p in enumerate(got))
    last = items[-1]
    assert isinstance(last, ReadFailure) and last.source == str(path)
    assert "truncated or corrupt zip" in last.reason and "b.jsonl" in last.reason


def test_truncated_json_array_salvages_complete_records(tmp_path: Path) -> None:
    data = json.dumps(records(10), ensure_ascii=False).encode()
    path = tmp_path / "cut.json"
    path.write_bytes(data[: len(data) // 2])
    items = read_all(path)
    assert 3 <= len(pages(items)) < 10
    assert isinstance(items[-1], ReadFailure) and "truncated or corrupt JSON array" in items[-1].reason


def test_corrupt_zip_and_gzip_are_failures(tmp_path: Path) -> None:
    for name in ("x.zip", "x.json.gz"):
        (tmp_path / name).write_bytes(b"this is not an archive at all" * 10)
        failure = only_failure(read_all(tmp_path / name))
        assert name in failure.message() and "corrupt" in failure.reason


def test_saudinewsnet_zip_reads_directly() -> None:
    require(SAUDINEWSNET)
    path = SAUDINEWSNET / "2015-07-21.zip"
    items = read_all(path)
    assert len(items) == 2972
    page = items[17]
    assert isinstance(page, Page)
    assert page.source == f"{path}!2015-07-21.json#17"
    assert page.outlet == "aawsat" and page.fmt == "record"
    assert page.fetched == datetime(2015, 7, 21, 2, 52, 5, tzinfo=UTC)
    assert page.title and page.url and page.url.startswith("http://aawsat.com/")
    empty = failures(items)
    assert empty and all("has no text" in f.reason for f in empty)


# --- sniffing and read_bytes ----------------------------------------------------------------------


def test_read_bytes_sniffs_unknown_names() -> None:
    html = f"<!DOCTYPE html><html><body><article><p>{ARTICLE}</p></article></body></html>".encode()
    assert [i.fmt for i in read_bytes("upload", html) if isinstance(i, Page)] == ["html"]
    blob = json.dumps(records(2)).encode()
    assert [i.fmt for i in read_bytes("upload.dat", blob) if isinstance(i, Page)] == ["record", "record"]
    packed = gzip.compress(ARTICLE.encode())
    (page,) = read_bytes("blob.bin", packed)
    assert isinstance(page, Page) and page.text == ARTICLE
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", ARTICLE)
    (page,) = read_bytes("upload", buffer.getvalue())
    assert isinstance(page, Page) and page.source == "upload!a.txt"
