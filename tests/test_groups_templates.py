"""Duplicate groups are stars (never chains, never merged by containment), and outlet templates
learnt from the archive leave the clean text, also of the articles stored before they were learnt."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from marsad.dedup.groups import anchors, regroup
from marsad.export import article_objects, group_objects
from marsad.read import ReadOptions
from marsad.search.engine import search
from marsad.service import ingest
from marsad.store.sqlite import SqliteStore
from tests.test_dedup_near import OTHER, STORY, text


def test_a_member_joins_only_through_the_anchor() -> None:
    links = [(1, 2, "near", 0.9), (2, 3, "near", 0.85)]  # 3 is a copy of 2, not of 1
    assert anchors([1, 2, 3], links, lambda seqs: {}) == {1: 1, 2: 1, 3: 3}
    links.append((1, 3, "edited", 0.88))  # now 3 is a copy of the anchor itself
    assert anchors([1, 2, 3], links, lambda seqs: {}) == {1: 1, 2: 1, 3: 1}


def test_containment_never_groups_and_the_strongest_anchor_wins() -> None:
    links = [(1, 3, "contained", 1.0), (2, 3, "contained", 0.95)]  # a roundup (3) of two stories
    assert anchors([1, 2, 3], links, lambda seqs: {}) == {1: 1, 2: 2, 3: 3}
    both = [(1, 3, "edited", 0.86), (2, 3, "near", 0.82)]
    assert anchors([1, 2, 3], both, lambda seqs: {}) == {1: 1, 2: 2, 3: 2}


def test_the_check_order_decides_not_the_keys() -> None:
    """Keys are hashes, in no order: the batch's order says who came first (the anchor)."""
    links = [(70, 9, "near", 0.9), (9, 40, "near", 0.9)]
    assert anchors([70, 9, 40], links, lambda keys: {}) == {70: 70, 9: 70, 40: 40}
    assert anchors([40, 9, 70], links, lambda keys: {}) == {40: 40, 9: 40, 70: 70}


def test_batches_give_what_one_pass_gives() -> None:
    """Each batch gets the links linking made for it (to its own articles or ones checked
    before), either way round: what one pass over every link gives."""
    links = [(1, 2, "near", 0.9), (3, 2, "near", 0.9), (1, 4, "edited", 0.9), (5, 3, "near", 0.95)]
    assigned: dict[int, int] = {}
    for batch in ([1, 2], [3], [4, 5]):
        known = set(assigned) | set(batch)
        made = [link for link in links if {link[0], link[1]} <= known and {link[0], link[1]} & set(batch)]
        found = anchors(batch, made, lambda seqs: {s: assigned[s] for s in seqs if s in assigned})
        assigned.update(found)
    links = [(min(a, b), max(a, b), kind, score) for a, b, kind, score in links]
    assert {s: a for s, a in assigned.items() if s != a} == {
        s: a for s, a in regroup(links).items() if s != a
    }
    assert assigned == {1: 1, 2: 1, 3: 3, 4: 1, 5: 3}


def _write(folder: Path, name: str, body: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(body, encoding="utf-8")


def test_a_roundup_contains_two_stories_and_joins_neither(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    story, other = text(STORY), text(OTHER * 2)
    _write(pages / "one.example", "story.txt", story)
    _write(pages / "two.example", "other.txt", other)
    _write(pages / "three.example", "roundup.txt", f"{story}\n{other}")
    _write(pages / "four.example", "copy.txt", story.replace("مؤتمر صحافي", "لقاء صحافي"))  # a near copy
    with SqliteStore(tmp_path / "r.db") as store:
        ingest([str(pages)], store, ReadOptions())
        exported = list(article_objects(store))
        groups = list(group_objects(store))
        hits = {hit.article_id: hit for hit in search(store, "الطاقة الشمسية", limit=10).hits}

    def holding(*phrases: bool) -> dict[str, Any]:
        (found,) = [
            a
            for a in exported
            if [p in a["text"] for p in ("الطاقة", "المنتخب", "لقاء صحافي")] == list(phrases)
        ]
        return found

    roundup, original = holding(True, True, False), holding(True, False, False)
    sport, copy = holding(False, True, False), holding(True, False, True)
    assert {original["id"], sport["id"]} <= set(roundup["contains"])
    assert original["contained_in"] == [roundup["id"]] and sport["contained_in"] == [roundup["id"]]
    (group,) = groups  # the story and its copy; the roundup and the sports story join no group
    assert {m["id"] for m in group["members"]} == {original["id"], copy["id"]}
    assert group["contained_in"] == [roundup["id"]]
    assert original["duplicates"] == copy["duplicates"] == 2 and roundup["duplicates"] == 1
    # search shows the relation on each hit: the story's group is inside the roundup
    (story_hit,) = [hit for key, hit in hits.items() if key in {original["id"], copy["id"]}]
    assert story_hit.contained_in == [roundup["id"]] and story_hit.to_json()["contained_in"] == [
        roundup["id"]
    ]
    assert set(hits[roundup["id"]].contains) >= {original["id"], copy["id"]}


PROMO = "حملوا تطبيق الصحيفة الجديد من متجر التطبيقات"  # short, recurring, at the end: a template
BACKGROUND = (
    "ويأتي هذا القرار في إطار خطة حكومية أوسع لإصلاح قطاع الطاقة وتنويع مصادر الدخل الوطني بعيدا عن"
    " النفط خلال السنوات العشر المقبلة"
)  # recurring but long: the story's background, it stays


def test_a_template_learnt_later_leaves_earlier_articles_too(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    outlet = tmp_path / "pages" / "paper.example"
    for day in range(6):
        _write(
            outlet,
            f"day{day}.txt",
            f"{STORY[day]} في اليوم {day + 1} من الشهر الجاري.\n{OTHER[day % 4]}\n{BACKGROUND}\n{PROMO}",
        )
        with SqliteStore(db) as store:  # one ingest a day: the line becomes template on day 5
            ingest([str(outlet / f"day{day}.txt")], store, ReadOptions(), search=False)
    with SqliteStore(db) as store:
        articles = list(store.articles())
    assert len(articles) == 6
    for article in articles:
        assert PROMO not in article.text, article.text
        assert article.boilerplate == [PROMO]
        assert BACKGROUND in article.text
        assert article.text.split("\n")[0].endswith("من الشهر الجاري.")  # the rest is whole
