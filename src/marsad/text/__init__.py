"""Arabic text: normalization and the small pure functions every later stage shares."""

from marsad.text.normalize import fold_spaces, matching_key, normalize

__all__ = ["fold_spaces", "matching_key", "normalize"]
