"""The search analyzer: Lucene's vectors, and what users expect to match (or not)."""

from __future__ import annotations

import csv

import pytest

from marsad.search.analyzer import Analyzer, default_analyzer
from marsad.search.lexicon import lexicon, parse_lexicon
from marsad.search.stemmers import GuardedStemmer, light_stem
from marsad.text.normalize import normalize
from tests.conftest import shared_path


def _rows(name: str) -> list[dict[str, str]]:
    with shared_path("data", "vectors", name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def test_light_stem_passes_lucene_vectors() -> None:
    rows = _rows("lucene_arabic_stem.tsv")
    assert len(rows) >= 20
    for row in rows:
        assert light_stem(row["input"]) == row["expected"], row["input"]


def test_lucene_light_analyzer_passes_lucene_analyzer_vectors() -> None:
    """Normalization + stopwords + Lucene's stemmer gives Lucene's ArabicAnalyzer output."""
    analyzer = Analyzer(light_stem)
    for row in _rows("lucene_arabic_analyzer.tsv"):
        assert " ".join(analyzer.terms(row["input"])) == row["expected"], row["input"]


@pytest.mark.parametrize(
    "variants",
    [
        ("الرئيس", "والرئيس", "بالرئيس", "للرئيس", "وللرئيس", "رئيس", "الرَّئِيسُ", "الرئيـــس"),
        ("أحمد", "احمد", "وأحمد", "لأحمد"),
        ("إيلون", "ايلون", "وإيلون"),
        ("فاطمة", "فاطمه"),
        ("مصطفى", "مصطفي", "ومصطفى"),
        ("بوتين", "وبوتين", "لبوتين", "بوتِين"),
        ("مصر", "ومصر", "بمصر", "لمصر"),
        ("المسلمين", "مسلمين", "المسلمون", "والمسلمين"),
        ("حكومة", "الحكومة", "حكومات", "الحكومات"),
        ("١٢٣٤", "1234", "۱۲۳۴"),
        ("آلاف", "الآلاف", "بآلاف", "الاف"),  # ال folded out of آ is not an article
        ("ألمانيا", "المانيا", "بألمانيا", "وألمانيا"),
    ],
)
def test_spelling_clitic_and_inflection_variants_share_a_term(variants: tuple[str, ...]) -> None:
    analyzer = default_analyzer()
    terms = {tuple(analyzer.terms(word)) for word in variants}
    assert len(terms) == 1, terms


@pytest.mark.parametrize(
    ("name", "word"),
    [
        ("بوتين", "بوت"),  # Snowball: بوتين → وتين; Lucene: بوتين → بوت
        ("بيسكوف", "يسكوف"),
        ("لبنان", "لبن"),
        ("وليد", "ليد"),
        ("حسين", "حس"),
        ("سلمان", "سلم"),
        ("فلسطين", "فلسط"),
    ],
)
def test_names_are_not_merged_with_other_words(name: str, word: str) -> None:
    analyzer = default_analyzer()
    assert analyzer.terms(name) == [normalize(name)]
    assert analyzer.terms(name) != analyzer.terms(word)


def test_one_letter_proclitic_goes_only_when_the_rest_is_the_likelier_word() -> None:
    words = parse_lexicon(
        "# version t\nمصر\t1000\t0\t0\nومصر\t10\t0\t0\nوتين\t5\t0\t0\nبوتين\t900\t1\t0\n".encode()
    )
    stem = GuardedStemmer(words)
    assert stem("ومصر") == "مصر"
    assert stem("بوتين") == "بوتين"  # وتين is the rarer word: ب is part of the name
    assert stem("وبوتين") == "بوتين"
    assert stem("بمصر") == "مصر"
    assert stem("وسكوف") == "سكوف"  # neither known: Lucene's rule (و off a 4+ letter word)
    assert stem("بسكوف") == "بسكوف"


def test_shipped_lexicon_is_loaded_and_versioned() -> None:
    words = lexicon()
    assert len(words.frequency) > 100_000
    assert {"بوتين", "لبنان", "فلسطين"} <= words.whole
    assert "مسلمين" not in words.whole
    assert words.version and words.version in default_analyzer().version


def test_stopwords_are_dropped_and_latin_is_lowercased() -> None:
    assert default_analyzer().terms("في الذين NASA من Reuters") == ["nasa", "reuters"]


def test_shipped_lexicon_is_what_the_builder_makes_from_wordfreq() -> None:
    """The lexicon is derived data: rebuilding it with today's stemmer rules gives the shipped
    file, so a rule change that would need a new lexicon cannot go unnoticed."""
    import gzip
    import importlib.util
    from importlib import resources
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "tools" / "build_lexicon.py"
    spec = importlib.util.spec_from_file_location("build_lexicon", path)
    assert spec and spec.loader
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    shipped = resources.files("marsad.search").joinpath("lexicon.tsv.gz").read_bytes()
    assert gzip.decompress(builder.build()) == gzip.decompress(shipped)


def test_a_stopword_with_a_clitic_is_a_stopword_and_folding_does_not_make_stopwords() -> None:
    analyzer = default_analyzer()
    assert analyzer.terms("ومعه وفيها") == []
    assert analyzer.terms("آلية") == analyzer.terms("الآلية") != []


def test_unnamed_analyzers_with_different_stemmers_have_different_versions() -> None:
    assert Analyzer(light_stem).version != Analyzer(None).version != default_analyzer().version
