"""Arabic normalization for matching (never for storage: stored text stays as published).

One `str.translate` table does the letter folding in a single C pass; NFKC runs only when the
text holds presentation forms, because it is the one slow step. The rules follow Lucene's
ArabicNormalizationFilter (and pass its test vectors), plus what syndicated web text needs:
digits, Persian letter forms, zero-width and bidi controls.
"""

from __future__ import annotations

import re
import unicodedata

_ALEFS = "\u0622\u0623\u0625\u0671\u0672\u0673"  # آ أ إ ٱ ٲ ٳ → ا
_TASHKEEL = "".join(chr(c) for c in range(0x064B, 0x0653)) + "\u0670"  # fathatan..sukun, dagger alef
_QURANIC_MARKS = "".join(chr(c) for c in range(0x06D6, 0x06EE)) + "\u0653\u0654\u0655\u0656\u0657\u0658"
_INVISIBLE = (
    "\u200b\u200c\u200d\u200e\u200f"  # zero width space / non-joiner / joiner, LRM, RLM
    "\u202a\u202b\u202c\u202d\u202e"  # bidi embeddings and overrides
    "\u2066\u2067\u2068\u2069"  # bidi isolates
    "\u061c\ufeff\u00ad"  # Arabic letter mark, BOM / ZWNBSP, soft hyphen
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

_PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufeff\uff00-\uffef]")
_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Fold the spelling variants Arabic writers use interchangeably into one form."""
    if _PRESENTATION_FORMS.search(text):
        text = unicodedata.normalize("NFKC", text)
    return text.translate(_TABLE)


def fold_spaces(text: str) -> str:
    """Collapse every run of white space to one space and trim: layout is not content."""
    return _SPACES.sub(" ", text).strip()


def matching_key(text: str) -> str:
    """The form two texts must share to be the same text: normalized, white space folded."""
    return fold_spaces(normalize(text))
