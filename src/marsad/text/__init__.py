"""Arabic text: normalization, tokenization — small pure functions every later stage shares."""

from marsad.text.normalize import fold_spaces, form_key, matching_key, matching_keys, normalize, unique_forms
from marsad.text.tokenize import word_spans, words

__all__ = [
    "fold_spaces",
    "form_key",
    "matching_key",
    "matching_keys",
    "normalize",
    "unique_forms",
    "word_spans",
    "words",
]
