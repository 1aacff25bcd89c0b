"""The web app through FastAPI's TestClient: the JSON API, its one error shape, limits,
exports, ingest behind a token, security headers, and pages that escape what they show."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from marsad.defaults import MAX_LIMIT
from marsad.store.sqlite import copy_archive
from marsad.web import create_app
from marsad.web.api import MAX_QUERY_CHARS
from tests.conftest import SAMPLE_PAGES

WATER = "تحلية المياه مسقط"


def client_for(db: Path, token: str | None = None) -> TestClient:
    return TestClient(create_app(str(db), token))  # a server error fails the test


@pytest.fixture(scope="module")
def client(sample_archive: Path) -> Iterator[TestClient]:
    with client_for(sample_archive) as opened:
        yield opened


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"status", "code", "message", "details"}
    assert (body["error"]["status"], body["error"]["code"]) == (status, code)
    assert body["error"]["message"]
    return dict(body["error"])


def top_hit(client: TestClient, query: str = WATER) -> dict[str, Any]:
    hits = client.get("/api/search", params={"q": query}).json()["hits"]
    assert hits
    return dict(hits[0])


def test_search_pages_and_facets(client: TestClient) -> None:
    first = client.get("/api/search", params={"q": "outlet:al-madar", "limit": 2, "facets": "true"}).json()
    assert first["total"] > 2 and len(first["hits"]) == 2 and (first["limit"], first["offset"]) == (2, 0)
    second = client.get("/api/search", params={"q": "outlet:al-madar", "limit": 2, "offset": 2}).json()
    assert not {h["id"] for h in first["hits"]} & {h["id"] for h in second["hits"]}
    assert "facets" not in second
    facets = first["facets"]
    assert {"outlet", "wire", "date", "date_unit", "counted", "matching"} <= set(facets)
    assert all(value["count"] >= 1 for value in facets["outlet"])


def test_a_spelling_variant_finds_the_article(client: TestClient) -> None:
    # ta marbuta as ha, alef without hamza, a clitic: no page writes it so
    hit = top_hit(client, "ومسقط بتحليه المياه")
    assert "مسقط" in hit["title"] and hit["outlet_count"] >= 5


def test_every_error_has_one_shape(client: TestClient) -> None:
    assert_error(client.get("/api/nowhere"), 404, "not_found")
    assert_error(client.get("/api/articles/" + "0" * 32), 404, "not_found")
    assert_error(client.get("/api/articles/not-an-id"), 422, "invalid_request")
    assert_error(client.get("/api/outlets/no-such-outlet"), 404, "not_found")
    details = assert_error(
        client.get("/api/search", params={"q": "x", "limit": MAX_LIMIT + 1}), 422, "invalid_request"
    )
    assert details["details"][0]["field"] == "query.limit"
    assert_error(client.get("/api/search", params={"q": "x" * (MAX_QUERY_CHARS + 1)}), 422, "invalid_request")
    assert_error(client.get("/api/search", params={"q": "x", "offset": -1}), 422, "invalid_request")
    assert_error(client.get("/api/search", params={"q": '"open'}), 400, "bad_query")
    assert_error(client.get("/api/search"), 422, "invalid_request")
    assert_error(client.delete("/api/stats"), 405, "method_not_allowed")
    big = client.post("/api/ingest", content=b"x", headers={"content-length": str(60 * 1024 * 1024)})
    assert_error(big, 413, "too_large")


def test_article_carries_its_pages_copies_and_similar(client: TestClient) -> None:
    hit = top_hit(client)
    article = client.get(f"/api/articles/{hit['id']}").json()
    assert article["id"] == hit["id"] and article["text"]
    assert {page["outlet"] for page in article["pages"]} >= set(hit["outlets"][:2])
    assert all(page["seen_at"] for page in article["pages"])
    assert set(article["copies"]) == {"group", "contains", "contained_in"}
    similar = client.get(f"/api/articles/{hit['id']}/similar", params={"limit": 3}).json()
    assert similar["hits"] and hit["id"] not in {h["id"] for h in similar["hits"]}


def test_duplicates_outlets_stats_quarantine(client: TestClient) -> None:
    groups = client.get("/api/duplicates", params={"limit": 5}).json()["groups"]
    assert len(groups) == 5 and all(g["pages"] > 1 for g in groups)
    assert [len(g["outlets"]) for g in groups] == sorted((len(g["outlets"]) for g in groups), reverse=True)
    outlets = client.get("/api/outlets").json()["outlets"]
    name = outlets[0]["outlet"]
    one = client.get(f"/api/outlets/{name}", params={"limit": 3}).json()
    assert one["outlet"] == name and len(one["articles_page"]) == 3 and 0 <= one["wire_share"] <= 1
    stats = client.get("/api/stats").json()
    assert stats["articles"] > 0 and stats["unindexed"] == 0
    quarantined = client.get("/api/quarantine").json()
    assert quarantined["total"] == stats["quarantined"] > 0
    assert all(item["reason"] for item in quarantined["items"])


def test_search_exports_as_jsonl_and_csv(client: TestClient) -> None:
    params = {"q": "outlet:al-madar", "limit": 1000}
    expected = client.get("/api/search", params={"q": "outlet:al-madar", "limit": MAX_LIMIT}).json()
    jsonl = client.get("/api/search/export", params={**params, "format": "jsonl"})
    assert jsonl.headers["content-type"].startswith("application/x-ndjson")
    rows = [json.loads(line) for line in jsonl.text.splitlines()]
    assert [row["id"] for row in rows] == [hit["id"] for hit in expected["hits"]]
    exported = client.get("/api/search/export", params={**params, "format": "csv"})
    assert "attachment" in exported.headers["content-disposition"]
    table = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert [row["id"] for row in table] == [row["id"] for row in rows]
    assert [row["title"] for row in table] == [row["title"] or "" for row in rows]
    assert_error(client.get("/api/search/export", params={**params, "format": "xml"}), 422, "invalid_request")


def test_csv_cells_never_start_a_formula() -> None:
    from marsad.web.api import _cell

    assert _cell("=HYPERLINK(1)") == "'=HYPERLINK(1)" and _cell("-1") == "'-1" and _cell(["a", "b"]) == "a، b"


def test_ingest_is_off_without_a_token_and_needs_it_when_set(sample_archive: Path, tmp_path: Path) -> None:
    page = (SAMPLE_PAGES / "al-madar.example" / "jordan-budget-2026.txt").read_bytes()
    new_page = page.replace("الأحد".encode(), "الاثنين".encode())
    files = {"file": ("new-page.txt", new_page, "text/plain")}
    with TestClient(create_app(str(sample_archive))) as off:
        assert_error(off.post("/api/ingest", files=files), 404, "ingest_off")
    db = tmp_path / "copy.db"
    copy_archive(sample_archive, db)
    with client_for(db, token="s3cret") as on:
        before = on.get("/api/stats").json()
        assert "upload.example" not in {o["outlet"] for o in on.get("/api/outlets").json()["outlets"]}  # kept
        uploaded = {"q": "outlet:upload.example"}
        assert on.get("/api/search", params=uploaded).json()["total"] == 0  # (and now kept)
        refused = on.post("/api/ingest", files=files, headers={"Authorization": "Bearer wrong"})
        assert_error(refused, 401, "unauthorized")
        assert refused.headers["www-authenticate"] == "Bearer"
        assert_error(on.post("/api/ingest", files=files), 401, "unauthorized")
        done = on.post(
            "/api/ingest",
            files=files,
            data={"outlet": "upload.example"},
            headers={"Authorization": "Bearer s3cret"},
        )
        assert done.status_code == 200, done.text
        assert done.json()["pages_new"] == 1
        after = on.get("/api/stats").json()
        assert after["pages"] == before["pages"] + 1 and after["unindexed"] == 0
        assert "upload.example" in {o["outlet"] for o in on.get("/api/outlets").json()["outlets"]}
        assert on.get("/api/search", params=uploaded).json()["total"] > 0  # the kept answers retired


def test_security_headers_on_pages_api_and_static(client: TestClient) -> None:
    for path in ("/", "/api/stats", "/static/style.css", "/api/nowhere", "/docs"):
        headers = client.get(path).headers
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "no-referrer"
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
    page_policy = client.get("/").headers["content-security-policy"]
    assert "script-src" not in page_policy and "default-src 'none'" in page_policy  # no script at all
    docs_policy = client.get("/docs").headers["content-security-policy"]
    assert "'unsafe-inline'" not in docs_policy and "'sha256-" in docs_policy
    assert "https:" not in docs_policy  # Swagger UI is served from here, not from a CDN
    docs = client.get("/docs").text
    for asset in re.findall(r'(?:src|href)="(/docs-assets/[^"]+)"', docs):
        assert client.get(asset).status_code == 200, asset
    assert "/docs-assets/swagger-ui-bundle.js" in docs


def test_pages_are_rtl_arabic_and_escape_what_they_show(client: TestClient) -> None:
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    page = client.get("/search", params={"q": attack})
    assert page.status_code in (200, 400)
    assert '<html lang="ar" dir="rtl">' in page.text
    assert "<script>alert" not in page.text and "<img src=x" not in page.text
    assert "&lt;script&gt;alert(" in page.text
    for path in ("/", "/outlets", "/quarantine", "/search?q=" + WATER, "/article/" + top_hit(client)["id"]):
        shown = client.get(path)
        assert shown.status_code == 200 and '<a class="skip" href="#main">' in shown.text, path
        assert "<script" not in shown.text


def test_page_errors_are_pages(client: TestClient) -> None:
    missing = client.get("/article/" + "0" * 32)
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")
    assert "غير موجودة" in missing.text
    assert client.get("/search", params={"page": 0}).status_code == 422


def test_a_diff_against_a_copy_and_only_a_copy(client: TestClient) -> None:
    hit = top_hit(client, "موجة حر وغبار 49 درجة")
    copies = client.get(f"/api/articles/{hit['id']}").json()["copies"]["group"]
    assert copies
    shown = client.get(f"/article/{hit['id']}", params={"diff": copies[0]["article_id"]})
    assert shown.status_code == 200 and "<ins>" in shown.text and "<del>" in shown.text
    other = top_hit(client)["id"]
    assert client.get(f"/article/{hit['id']}", params={"diff": other}).status_code == 404


def test_kept_answers_last_while_the_version_does() -> None:
    from marsad.web.cache import AnswerCache

    made: list[int] = []

    def make() -> int:
        made.append(1)
        return len(made)

    cache = AnswerCache(size=2, ttl=60)
    assert [cache.get("a", 1, make), cache.get("a", 1, make)] == [1, 1]
    assert cache.get("a", 2, make) == 2  # the archive changed
    cache.get("b", 2, make), cache.get("c", 2, make)  # "a" is the oldest: dropped
    assert cache.get("a", 2, make) == 5
    assert AnswerCache(ttl=0).get("a", 1, make) == 6  # too old at once

    def fails() -> int:
        raise ValueError("no")

    with pytest.raises(ValueError):
        cache.get("d", 2, fails)
    assert cache.get("d", 2, make) == 7  # an error is not kept


def test_the_version_is_read_once_per_age_and_again_after_a_change() -> None:
    import asyncio

    from marsad.web.cache import VersionClock

    reads: list[int] = []

    def read() -> int:
        reads.append(1)
        return len(reads)

    clock = VersionClock(read, max_age=3600)

    async def twice() -> tuple[object, object]:
        return await clock.current(), await clock.current()

    assert asyncio.run(twice()) == (1, 1)
    clock.expire()
    assert asyncio.run(clock.current()) == 2
    assert asyncio.run(VersionClock(read, max_age=0).current()) == 3


def test_stories_their_timeline_and_the_article_link(client: TestClient) -> None:
    """The sample's syndicated budget story is a story of several articles: listed by the API,
    its page a timeline of outlets, and each member article links back to it."""
    listed = client.get("/api/stories", params={"limit": 5}).json()
    assert listed["stories"], "the sample corpus tells stories in several articles"
    first = listed["stories"][0]
    assert first["articles"] >= 2 and first["first_day"] <= first["last_day"]
    story = client.get(f"/api/stories/{first['id']}").json()
    assert len(story["members"]) == first["articles"] and story["outlets"]
    member = story["members"][0]
    assert client.get(f"/api/articles/{member['id']}").json()["story"] == first["id"]
    page = client.get(f"/story/{first['id']}").text
    assert f'href="/article/{member["id"]}"' in page and story["outlets"][0] in page
    assert f'href="/story/{first["id"]}"' in client.get(f"/article/{member['id']}").text
    assert f'href="/story/{first["id"]}"' in client.get("/").text
    assert_error(client.get("/api/stories/999999"), 404, "not_found")
    assert_error(client.get("/api/stories/0"), 422, "invalid_request")

    # a search for the story's title: hits say their story, and fold by story on request (the
    # sample's stories are one duplicate group each: folding on real stories is test_stories')
    query = " ".join(story["title"].split()[:4])
    hits = client.get("/api/search", params={"q": query, "limit": 50}).json()
    folded = client.get("/api/search", params={"q": query, "limit": 50, "by_story": "true"}).json()
    told = [hit["story"] for hit in hits["hits"]]
    assert first["id"] in told and None not in told  # (ingest clusters every article)
    assert sorted(hit["story"] for hit in folded["hits"]) == sorted(set(told))
    assert folded["total"] == len(set(told))
    page = client.get("/search", params={"q": query, "stories": "true"}).text
    assert page.count(f'href="/story/{first["id"]}"') == 1 and "نتيجة لكل نص" in page


def test_entities_link_from_the_article_to_their_page(sample_archive: Path, tmp_path: Path) -> None:
    """Once `marsad enrich` has tagged the archive, an article page links its names, each name's
    page lists the articles that mention it, and the API answers the same."""
    from marsad import service
    from marsad.store.sqlite import SqliteStore

    db = tmp_path / "enriched.db"
    copy_archive(sample_archive, db)
    with SqliteStore(db) as store:
        assert service.update_entities(store) > 0
    with client_for(db) as client:
        listed = client.get("/api/entities", params={"type": "PERS", "limit": 5}).json()["entities"]
        assert listed and all(e["type"] == "PERS" for e in listed)
        top = listed[0]
        found = client.get(f"/api/entities/{top['id']}").json()
        assert found["name"] == top["name"] and len(found["members"]) == min(top["articles"], 20)
        member = found["members"][0]["id"]
        article = client.get(f"/api/articles/{member}").json()
        assert top["id"] in {m["entity_id"] for m in article["entities"]}
        assert f'href="/entity/{top["id"]}"' in client.get(f"/article/{member}").text
        page = client.get(f"/entity/{top['id']}").text
        assert f'href="/article/{member}"' in page
        days = found["days"]
        assert days and 0 < sum(d["articles"] for d in days) <= top["articles"]
        assert [d["day"] for d in days] == sorted(d["day"] for d in days) and "<meter" in page
        assert_error(client.get("/api/entities", params={"type": "PERSON"}), 422, "invalid_request")
        assert_error(client.get("/api/entities/0123456789abcdef"), 404, "not_found")
