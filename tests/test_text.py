import csv

import pytest

from marsad.text import fold_spaces, matching_key, matching_keys, normalize, words
from tests.conftest import shared_path


def _pairs(name: str) -> list[tuple[str, str]]:
    with shared_path("data", "vectors", name).open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    return [(row[0], row[1]) for row in rows[1:]]


def test_lucene_normalization_vectors() -> None:
    pairs = _pairs("lucene_arabic_normalization.tsv")
    assert len(pairs) == 14
    for given, expected in pairs:
        assert normalize(given) == expected, given


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("٢٠٢٥ و۱۴۰۳", "2025 و1403"),  # Arabic-Indic and Persian digits
        ("ﻻ ﺃﺣﺪ", "لا احد"),  # presentation forms (NFKC) then alef folding
        ("بو\u200fتين\u200b", "بوتين"),  # zero-width and bidi controls
        ("کتاب فارسی", "كتاب فارسي"),  # Persian keheh and yeh
        ("مصطفى فاطمة إيلون", "مصطفي فاطمه ايلون"),
        ("نُشرت", "نشرت"),
    ],
)
def test_normalize_folds_variants(given: str, expected: str) -> None:
    assert normalize(given) == expected


def test_matching_key_ignores_layout_and_spelling() -> None:
    assert matching_key("  أعلنَ\n\nالرئيسُ   ") == matching_key("اعلن الرئيس")
    assert fold_spaces(" a \n b\t") == "a b"


def test_matching_keys_of_a_batch_equal_one_by_one() -> None:
    """The batch path (one vectorized pass) and the per-text path give the very same keys: the
    article ids stored by earlier ingests depend on it."""
    seeds = [path.read_text(encoding="utf-8") for path in shared_path("seeds").glob("*.txt")]
    texts = [
        "",
        "   ",
        "  أعلنَ\n\nالرئيسُ   ",
        "ﻻ ﺃﺣﺪ ﷺ  نص",  # presentation forms, one of them expanding to several words
        "نص فيه \ue000 فاصل",  # the batch's own separator inside a text
        "\t\u00a0سطر\u2003بمسافات غريبة\u3000 ",
        "رمز 😀 خارج المستوى الأساسي " * 20,
        *seeds,
        *(seed[: len(seed) // 3] + "  \n " for seed in seeds),
        "آخر نص",
    ]
    assert matching_keys(texts) == [matching_key(text) for text in texts]
    assert matching_keys([]) == []


def test_words_keep_tashkeel_and_tatweel_inside_a_word() -> None:
    assert words("نُشرت في روبرـــت، اليوم") == ["نُشرت", "في", "روبرـــت", "اليوم"]


def test_normalized_words_are_the_regex_words_of_the_normalized_text() -> None:
    """The vectorized word split search uses must give exactly what the regex gives, also on
    what a lookup table cannot see alone: astral letters, İ (two characters in lower case),
    Greek Σ (ς at a word's end), presentation forms, tashkeel, tatweel, invisible controls."""
    import random

    from marsad.text.normalize import normalized_words
    from marsad.text.tokenize import WORD

    pieces = [
        "الرَّئِيسُ", "ﻻ", "ﷲ", "ـــ", "\u200c", "\u200f", "\ufeff", "İstanbul", "ΟΔΟΣ ΣΟΦΙΑ", "𝐀𝐁", "😀",
        "a_b", "٣٤٥", "۱۲", "\u00a0", "\u3000", "\u2028", "-", "«", "»", ".", "،", "ABC", "déjà", "ß",
    ]  # fmt: skip
    rng = random.Random(5)
    for _ in range(300):
        text = " ".join(rng.choice(pieces) + rng.choice(["", " ", "\n"]) for _ in range(rng.randint(60, 150)))
        assert normalized_words(text) == WORD.findall(normalize(text).lower())
    assert normalized_words("ΟΔΟΣ " * 80)[0] == "\u03bf\u03b4\u03bf\u03c2"  # final ς, as str.lower()
