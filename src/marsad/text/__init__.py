"""Arabic text: normalization, tokenization — small pure functions every later stage shares."""

from marsad.text.normalize import fold_spaces, matching_key, matching_keys, normalize
from marsad.text.tokenize import word_spans, words

__all__ = ["fold_spaces", "matching_key", "matching_keys", "normalize", "word_spans", "words"]
