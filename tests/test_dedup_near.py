"""Near-duplicate detection on hand-made syndication cases and real corpus files."""

import json
import random
from pathlib import Path

import numpy as np
import pytest

import marsad
from marsad.dedup.near import Doc, Link, MemoryArchive, SetTable, find_near_duplicates, link_batch
from marsad.search.index import backlog
from marsad.store.sqlite import SqliteStore
from marsad.text.shingle import Shingled
from tests.conftest import shared_path
from tests.test_cli import export, run

STORY = [
    "أعلنت وزارة الطاقة اليوم الأحد عن خطة وطنية لتوسيع محطات الطاقة الشمسية في المناطق الشمالية",
    "خلال السنوات الخمس المقبلة بتكلفة تقدر بنحو ثلاثة مليارات دولار.",
    "وقال وزير الطاقة في مؤتمر صحافي عقده في العاصمة إن الخطة تهدف إلى رفع حصة الطاقة المتجددة",
    "إلى ثلاثين في المئة من إجمالي إنتاج الكهرباء بحلول نهاية العقد الحالي.",
    "وأضاف أن الوزارة وقعت اتفاقيات مع أربع شركات دولية لبناء المحطات وتدريب الكوادر المحلية",
    "على تشغيلها وصيانتها، مشيرا إلى أن المرحلة الأولى ستبدأ في الربع الثالث من العام.",
    "وتعاني البلاد من انقطاعات متكررة للكهرباء في فصل الصيف بسبب ارتفاع الطلب على التكييف،",
    "فيما تسعى الحكومة إلى خفض فاتورة استيراد الوقود التي تجاوزت ملياري دولار العام الماضي.",
    "ورحب اتحاد الصناعات بالخطة، معتبرا أنها ستخفض تكاليف الإنتاج على المصانع وتوفر آلاف الوظائف.",
]
OTHER = [
    "فاز المنتخب الوطني لكرة القدم على نظيره الضيف بثلاثة أهداف مقابل هدف واحد في المباراة الودية",
    "التي أقيمت مساء أمس على الملعب الرئيسي بحضور أكثر من ثلاثين ألف متفرج.",
    "وسجل أهداف المنتخب كل من المهاجم الشاب ولاعب الوسط والمدافع في الشوط الثاني من اللقاء،",
    "بينما جاء هدف الضيوف من ركلة جزاء في الدقائق الأخيرة من المباراة.",
]


def text(lines: list[str]) -> str:
    return "\n".join(lines)


def kinds(links: list[Link]) -> dict[tuple[int, int], str]:
    return {(link.a, link.b): link.kind for link in links}


def test_copies_with_edits_are_linked_and_unrelated_are_not() -> None:
    original = text(STORY)
    texts = [
        original,
        "الرياض - واس: " + original,  # dateline added
        text(STORY[: int(len(STORY) * 0.8)]),  # end cut by 20%
        text(STORY[:4] + STORY[5:]),  # a sentence dropped
        text(OTHER),
        text(["مقدمة الموقع الثابتة عن الأخبار اليومية والتحديثات."] * 3 + STORY),  # another site's intro
    ]
    # Each copy from its own outlet: a line recurring in one outlet's articles is its template.
    found = kinds(find_near_duplicates(texts, outlets=[f"outlet{i}.example" for i in range(len(texts))]))
    assert found[(0, 1)] == "near"
    assert found[(0, 2)] == "contained"
    assert (0, 3) in found
    assert (0, 5) in found
    assert not any(4 in pair for pair in found)


def test_copy_with_words_replaced_is_edited_not_near() -> None:
    rng = random.Random(5)
    vocabulary = " ".join(STORY + OTHER).split()
    words = [rng.choice(vocabulary) for _ in range(300)]  # long enough for word-level agreement
    edited = list(words)
    for index in rng.sample(range(len(words)), len(words) * 6 // 100):
        edited[index] = rng.choice(" ".join(OTHER).split())
    links = find_near_duplicates([" ".join(words), " ".join(edited), text(OTHER)], outlets=["a", "b", "c"])
    assert [(link.a, link.b, link.kind) for link in links] == [(0, 1, "edited")]
    assert links[0].score >= 0.85


def test_short_articles_inside_one_template_are_never_merged() -> None:
    rng = random.Random(3)
    header = [f"القائمة الرئيسية للموقع: الأخبار الاقتصاد الرياضة الثقافة رقم {i}" for i in range(8)]
    footer = ["الأكثر قراءة اليوم في الموقع", "جميع الحقوق محفوظة لموقع الوادي الإخباري 2025"] + [
        f"تابعونا على منصات التواصل الاجتماعي للحصول على آخر الأخبار العاجلة {i}" for i in range(6)
    ]
    vocabulary = " ".join(STORY + OTHER).split()
    texts = [text([*header, " ".join(rng.sample(vocabulary, 25)), *footer]) for _ in range(60)]
    links = find_near_duplicates(texts, outlets=["wadi.example"] * len(texts))
    assert links == []
    # The same story wrapped in that template is still found next to its plain copy elsewhere.
    wrapped = [*texts, text([*header, *STORY, *footer]), text(STORY)]
    outlets = ["wadi.example"] * (len(wrapped) - 1) + ["sahil.example"]
    found = kinds(find_near_duplicates(wrapped, outlets=outlets))
    assert list(found) == [(60, 61)]


def test_degenerate_articles_neither_crash_nor_merge() -> None:
    texts = [
        "Breaking news in English only, no Arabic words here at all today.",
        "مرحبا",
        "عاجل",
        text(["خبر عاجل ومهم جدا اليوم."] * 500),  # one line repeated
        text(["نبأ آخر مختلف تماما عن السابق هنا."] * 500),
        text(STORY) * 1 + "\n" + " ".join(random.Random(1).choices(" ".join(OTHER).split(), k=180_000)),
        "",
    ]
    assert len(texts[5]) > 1_000_000
    links = find_near_duplicates(texts)
    assert all(not ({link.a, link.b} & {0, 1, 2, 6}) for link in links)
    assert (3, 4) not in kinds(links)


def test_batches_one_by_one_find_what_one_batch_finds() -> None:
    texts = [text(STORY), text(OTHER), "الرياض - واس: " + text(STORY), text(STORY[:7]), text(OTHER[:3])]
    outlets = [f"outlet{i}.example" for i in range(len(texts))]
    at_once = find_near_duplicates(texts, outlets=outlets)
    one_by_one = find_near_duplicates(texts, outlets=outlets, batch_size=1)
    assert set(at_once) == set(one_by_one) and len(at_once) >= 3
    archive = MemoryArchive()
    docs = [Doc(i, t) for i, t in enumerate(texts)]
    archive.remember(docs)
    assert link_batch([], archive) == []


def test_set_table_counts_what_python_sets_count() -> None:
    """The vectorized overlap of many pairs equals set intersection, pair by pair, whatever the
    sizes (empty sets, one-element sets, sets that share everything or nothing)."""
    rng = np.random.default_rng(7)
    pool = rng.integers(0, 2**63, size=3_000, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    sets = [rng.choice(pool, size=int(n), replace=True) for n in rng.integers(0, 400, size=60)]
    sets += [np.empty(0, np.uint64), pool[:1], pool[:300], pool[:300].copy()]
    offsets = np.r_[0, np.cumsum([len(s) for s in sets])].astype(np.int64)
    shingled = Shingled(np.concatenate(sets), offsets)
    table = SetTable([(shingled, np.arange(len(sets), dtype=np.int64))], len(sets))
    a, b = (rng.integers(0, len(sets), size=2_000) for _ in range(2))
    expected = [len(set(sets[x].tolist()) & set(sets[y].tolist())) for x, y in zip(a, b, strict=True)]
    assert table.common(a, b, chunk=500).tolist() == expected
    assert table.sizes.tolist() == [len(set(s.tolist())) for s in sets]


def _groups(db: Path) -> set[frozenset[str]]:
    done = run("duplicates", "--db", str(db))
    assert done.returncode == 0, done.stderr
    groups = [json.loads(line) for line in done.stdout.splitlines()]
    for group in groups:
        assert group["canonical"] in {m["id"] for m in group["members"]}
        assert {m["kind"] for m in group["members"]} <= {"canonical", "exact", "near", "contained", "edited"}
    return {frozenset(m["source"] for m in group["members"]) for group in groups}


@pytest.mark.slow
def test_daily_files_one_after_another_give_the_groups_of_one_ingest(tmp_path: Path) -> None:
    files = [shared_path("data", "saudinewsnet", f"2015-07-2{day}.zip") for day in (1, 2, 3)]
    at_once, daily = tmp_path / "once.db", tmp_path / "daily.db"
    assert run("ingest", *map(str, files), "--db", str(at_once)).returncode in (0, 3)
    for file in files:
        assert run("ingest", str(file), "--db", str(daily)).returncode in (0, 3)
    groups = _groups(at_once)
    assert len(groups) > 100
    assert _groups(daily) == groups
    articles = export(at_once)
    assert any(a["duplicates"] > len(a["pages"]) for a in articles)  # near members counted


def test_no_near_flag_and_threshold(tmp_path: Path, seeds: list[Path]) -> None:
    db = tmp_path / "m.db"
    assert run("ingest", *map(str, seeds), "--db", str(db), "--no-near").returncode == 0
    assert run("ingest", *map(str, seeds), "--db", str(db), "--near-threshold", "0.3").returncode == 2
    kremlin = next(a for a in export(db) if a["text"].startswith("رد الكرملين"))
    assert kremlin["duplicates"] == 2


def test_no_near_and_no_search_skip_their_work_and_a_later_run_catches_up(tmp_path: Path) -> None:
    sample = str(Path(marsad.__file__).parent / "sample" / "pages")
    db = tmp_path / "s.db"
    assert run("ingest", sample, "--db", str(db), "--no-near", "--no-search").returncode == 3
    with SqliteStore(db) as store:
        assert store.near_links() == []
        assert backlog(store) == store.counts()["articles"] > 0
    assert run("ingest", sample, "--db", str(db)).returncode == 3  # nothing new, but the passes run
    with SqliteStore(db) as store:
        links = store.near_links()
        assert backlog(store) == 0
    assert any(kind == "near" and score < 0.99 for *_, kind, score in links)
    strict = tmp_path / "strict.db"
    assert run("ingest", sample, "--db", str(strict), "--near-threshold", "0.99").returncode == 3
    with SqliteStore(strict) as store:
        strict_links = store.near_links()
    assert strict_links and all(score >= 0.99 for *_, kind, score in strict_links if kind == "near")
