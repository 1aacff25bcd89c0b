"""Arabic normalization for matching (never for storage: stored text stays as published).

One `str.translate` table does the letter folding in a single C pass; NFKC runs only when the
text holds presentation forms, because it is the one slow step. The rules follow Lucene's
ArabicNormalizationFilter (and pass its test vectors), plus what syndicated web text needs:
digits, Persian letter forms, zero-width and bidi controls.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import cache

import numpy as np
import numpy.typing as npt

from marsad.text.tokenize import WORD

_ALEFS = "\u0622\u0623\u0625\u0671\u0672\u0673"  # آ أ إ ٱ ٲ ٳ → ا
_TASHKEEL = "".join(chr(c) for c in range(0x064B, 0x0653)) + "\u0670"  # fathatan..sukun, dagger alef
_QURANIC_MARKS = "".join(chr(c) for c in range(0x06D6, 0x06EE)) + "\u0653\u0654\u0655\u0656\u0657\u0658"
_INVISIBLE = (
    "\u200b\u200c\u200d\u200e\u200f"  # zero width space / non-joiner / joiner, LRM, RLM
    "\u202a\u202b\u202c\u202d\u202e"  # bidi embeddings and overrides
    "\u2066\u2067\u2068\u2069"  # bidi isolates
    "\u061c\ufeff\u00ad\ufffe\uffff"  # Arabic letter mark, BOM / ZWNBSP, soft hyphen, noncharacters
)
TATWEEL = "\u0640"

_TABLE: dict[int, str | None] = {ord(c): "\u0627" for c in _ALEFS}
_TABLE.update({ord(c): None for c in _TASHKEEL + _QURANIC_MARKS + _INVISIBLE + TATWEEL})
_TABLE.update(
    {
        ord("\u0649"): "\u064a",  # alef maqsura ى → ي
        ord("\u0629"): "\u0647",  # ta marbuta ة → ه
        ord("\u06cc"): "\u064a",  # Farsi yeh ی → ي
        ord("\u06d2"): "\u064a",  # yeh barree ے → ي
        ord("\u06a9"): "\u0643",  # keheh ک → ك
        ord("\u06c1"): "\u0647",  # heh goal ہ → ه
        ord("\u06d5"): "\u0647",  # ae ە → ه
    }
)
_TABLE.update({0x0660 + d: str(d) for d in range(10)})  # Arabic-Indic digits
_TABLE.update({0x06F0 + d: str(d) for d in range(10)})  # Persian (extended) digits

# str.translate looks every character up in a dict: fine for a word, slow for an article
# (about 150 ns a character). Long texts go through a NumPy lookup table over their UTF-16 code
# units instead (every folded character is in the BMP; surrogate halves map to themselves), 5×
# faster with the same result. U+FFFF, a noncharacter, marks deletions.
_DELETE = 0xFFFF
_LOOKUP = np.arange(0x10000, dtype=np.uint16)
_LOOKUP[_DELETE] = _DELETE
for _code, _value in _TABLE.items():
    _LOOKUP[_code] = _DELETE if _value is None else ord(_value)
_VECTOR_FROM = 256  # characters; below this the table lookup wins
_SPACE = 0x20
_KEY_LOOKUP = _LOOKUP.copy()  # for matching keys, every white space becomes one plain space
for _code in range(0x3001):  # Python's white space (what str.split() splits on) ends at U+3000
    if chr(_code).isspace() and _LOOKUP[_code] != _DELETE:
        _KEY_LOOKUP[_code] = _SPACE
_PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufeff\uff00-\uffef]+")


_IS_PRESENTATION = np.zeros(0x10000, dtype=bool)
for _low, _high in ((0xFB50, 0xFDFF), (0xFE70, 0xFEFF), (0xFF00, 0xFFEF)):
    _IS_PRESENTATION[_low : _high + 1] = True


_FIRST_PRESENTATION = int(np.flatnonzero(_IS_PRESENTATION)[0])
_SINGLE_NFKC = np.arange(0x10000, dtype=np.uint16)
_EXPANDS = np.zeros(0x10000, dtype=bool)
for _unit in np.flatnonzero(_IS_PRESENTATION).tolist():
    _decomposed = unicodedata.normalize("NFKC", chr(_unit))
    if len(_decomposed) == 1 and ord(_decomposed) < 0x10000:
        _SINGLE_NFKC[_unit] = ord(_decomposed)
    else:
        _EXPANDS[_unit] = True


def _expand_runs(text: str, units: npt.NDArray[np.uint16], presentation: npt.NDArray[np.bool_]) -> str:
    """NFKC on the runs of presentation forms only, found with NumPy instead of a regex scan."""
    if ((units >= 0xD800) & (units <= 0xDFFF)).any():  # code units ≠ string indices: use the regex
        return _PRESENTATION_FORMS.sub(_compatibility, text)
    where = np.flatnonzero(presentation)
    breaks = np.flatnonzero(np.diff(where) > 1)
    starts = np.r_[where[0], where[breaks + 1]].tolist()
    ends = (np.r_[where[breaks], where[-1]] + 1).tolist()
    pieces, previous = [], 0
    for start, end in zip(starts, ends, strict=True):
        pieces += [text[previous:start], unicodedata.normalize("NFKC", text[start:end])]
        previous = end
    pieces.append(text[previous:])
    return "".join(pieces)


def _compatibility(match: re.Match[str]) -> str:
    return unicodedata.normalize("NFKC", match.group())


def _folded_units(text: str, lookup: npt.NDArray[np.uint16]) -> npt.NDArray[np.uint16]:
    """The text's UTF-16 code units with presentation forms decomposed, then folded through
    `lookup`, deletions removed: the vectorized core of `normalize` and `matching_key`."""
    units = np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
    # (table.take(units), not table[units]: the same lookup, twice as fast on NumPy 2.3; and most
    # texts hold no presentation form at all, which one max() tells)
    presentation = _IS_PRESENTATION.take(units) if units.size and units.max() >= _FIRST_PRESENTATION else None
    if presentation is not None and presentation.any():
        # NFKC only where presentation forms are (their decompositions are per character; NFKC
        # over a whole batch of articles costs seconds). Forms that decompose to one character
        # go through a lookup table; ligatures that expand (ﻻ → لا) are rewritten run by run.
        if _EXPANDS.take(units[presentation]).any():
            text = _expand_runs(text, units, presentation)
            units = np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
        else:
            units = np.where(presentation, _SINGLE_NFKC.take(units), units)
    codes = lookup.take(units)
    return codes[codes != _DELETE]


def _decode(codes: npt.NDArray[np.uint16]) -> str:
    return codes.tobytes().decode("utf-16-le", "surrogatepass")


def normalize(text: str) -> str:
    """Fold the spelling variants Arabic writers use interchangeably into one form."""
    if len(text) < _VECTOR_FROM:
        if _PRESENTATION_FORMS.search(text):
            text = _PRESENTATION_FORMS.sub(_compatibility, text)
        return text.translate(_TABLE)
    return _decode(_folded_units(text, _LOOKUP))


def normalized_units(text: str) -> npt.NDArray[np.uint16]:
    """`normalize(text)` as UTF-16 code units, for callers that work on the units anyway
    (tokenizing a batch): no decoding to str and encoding back (0.4 s of SaudiNewsNet's 2.0 s)."""
    return _folded_units(text, _LOOKUP)


def normalized_words(text: str) -> list[str]:
    """`WORD.findall(normalize(text).lower())`: the words search analyzes, in one vectorized
    pass for long texts (the regex and lower() over every body were most of the analysis cost):
    one table folds, lower-cases and turns every non-word character into a space, then
    `str.split()` cuts in C. Texts the table cannot take exactly (astral characters, a letter
    whose lower case is two characters) go the regex way."""
    if len(text) < _VECTOR_FROM:
        return WORD.findall(normalize(text).lower())
    table = _word_table()
    codes = table.take(_folded_units(text, _NO_FOLD))
    if (codes == _UNSURE).any():
        return WORD.findall(normalize(text).lower())
    return _decode(codes[codes != _DELETE]).split()


_MARKS_ONLY = {ord(c): None for c in _TASHKEEL + _QURANIC_MARKS + _INVISIBLE + TATWEEL}


def without_marks(text: str) -> str:
    """The text as written, less its tashkeel, Quranic marks, tatweel and invisible controls:
    how a name is shown (مكَّة → مكة, تـويـتـر → تويتر), letters and hamza forms left alone."""
    return text.translate(_MARKS_ONLY)


def form_key(value: str) -> str:
    """A short value (a tag, a headline, a name) as spellings are compared: its normalized,
    lower-cased words, one space apart ("إيلون ماسك", "ايلون ماسك" and «ايلون  ماسك» agree)."""
    return " ".join(normalized_words(value))


def unique_forms(values: Iterable[str]) -> list[str]:
    """Values without repeats of one form (`form_key`); the first spelling seen is kept."""
    if not isinstance(values, list | tuple):
        values = list(values)
    if len(values) < 2:
        return list(values)
    kept: dict[str, str] = {}
    for value in values:
        kept.setdefault(form_key(value), value)
    return list(kept.values())


_UNSURE = 0xFFFE  # (a noncharacter: normalization deletes it, so no text keeps one)
_NO_FOLD = np.arange(0x10000, dtype=np.uint16)  # _folded_units' NFKC only: the word table folds


@cache
def _word_table() -> npt.NDArray[np.uint16]:
    """Each UTF-16 code unit → its normalized, lower-cased form if that is a word character
    (Python's \\w, plus the marks `WORD` keeps), a space if not, _DELETE if normalization
    deletes it, _UNSURE where a unit alone cannot say (surrogates, two-character or contextual
    lower cases)."""
    table = np.full(0x10000, _SPACE, dtype=np.uint16)
    for code in range(0x10000):
        folded = int(_LOOKUP[code])
        if folded == _DELETE:
            table[code] = _DELETE
            continue
        if 0xD800 <= folded <= 0xDFFF:
            table[code] = _UNSURE
            continue
        lower = chr(folded).lower()
        if len(lower) != 1 or folded == 0x03A3:  # Σ lower-cases by context (final ς)
            table[code] = _UNSURE
        elif WORD.fullmatch(lower):
            table[code] = ord(lower)
    return table


def fold_spaces(text: str) -> str:
    """Collapse every run of white space to one space and trim: layout is not content."""
    return " ".join(text.split())  # str.split() knows every Unicode space and beats a regex


_KEY_SEPARATOR = "\ue000"  # a private-use character between texts: folding keeps it, no writer uses it


def matching_keys(texts: Sequence[str]) -> list[str]:
    """`matching_key` of every text, in one vectorized pass over them all: called text by text,
    NumPy's per-call overhead (~100 µs) cost more than the folding itself on a batch of articles."""
    if not texts:
        return []
    joined = _KEY_SEPARATOR.join("" if _KEY_SEPARATOR in text else text for text in texts)
    codes = _folded_units(joined, _KEY_LOOKUP)
    keys = _decode(_fold_key_spaces(codes, ord(_KEY_SEPARATOR))).split(_KEY_SEPARATOR)
    pairs = zip(texts, keys, strict=True)
    return [key if _KEY_SEPARATOR not in text else matching_key(text) for text, key in pairs]


def _fold_key_spaces(codes: npt.NDArray[np.uint16], separator: int | None = None) -> npt.NDArray[np.uint16]:
    """Folded code units with each run of spaces made one and spaces at the ends dropped; with a
    `separator`, at the ends of every text it separates too."""
    space = codes == _SPACE
    boundary = codes == separator if separator is not None else np.zeros_like(space)
    after_boundary = np.empty_like(space)
    after_boundary[:1] = True  # leading spaces go
    after_boundary[1:] = space[:-1] | boundary[:-1]
    kept = ~(space & after_boundary)
    codes, space, boundary = codes[kept], space[kept], boundary[kept]
    before_boundary = np.empty_like(space)
    before_boundary[-1:] = True  # so do trailing ones (one is left of each run by now)
    before_boundary[:-1] = boundary[1:]
    return codes[~(space & before_boundary)]


def matching_key(text: str) -> str:
    """The form two texts must share to be the same text: normalized, white space folded.

    Equal to `fold_spaces(normalize(text))`, in one vectorized pass for long texts.
    """
    if len(text) < _VECTOR_FROM:
        return fold_spaces(normalize(text))
    return _decode(_fold_key_spaces(_folded_units(text, _KEY_LOOKUP)))
