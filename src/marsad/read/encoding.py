"""Decode the bytes of one text page into str, or refuse them with a reason a person can act on.

Arabic news arrives as UTF-8 (with or without a BOM), sometimes UTF-16 with a BOM (Windows tools),
and from older sites as windows-1256, the legacy Arabic code page. charset-normalizer is not used:
we only need these few encodings, and its statistical guesses can change between versions and
between a file and its truncated copy; a deterministic check ("not UTF-8, and as cp1256 it is
mostly Arabic letters") gives the same answer every time and says why when it refuses.

That check alone is fooled by damaged UTF-8: Arabic in UTF-8 is lead bytes D8/D9 followed by
bytes 80–BF, and read as cp1256 those are Arabic letters too (D8 ط, D9 ظ), so a UTF-8 page with
one bad byte would be stored garbled. The two are told apart by the multi-byte sequences that
are valid UTF-8: in a cp1256 page they are accidents (a letter before «،» or «؟»: under 1 for
100 stray bytes on the sample corpus), in damaged UTF-8 they are nearly everything. Bytes with
more valid UTF-8 characters than stray bytes are damaged UTF-8 and refused (the reason names the
first bad byte), never guessed.
"""

from __future__ import annotations

import codecs
import re

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: its BOM starts with FF FE too
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# C0 controls that never occur in text (tab, LF, VT, FF, CR and ESC excluded) plus DEL.
_CONTROL = bytes([*range(0, 9), 14, 15, *range(16, 27), *range(28, 32), 127])
_NOT_CONTROL = bytes(b for b in range(256) if b not in _CONTROL)
_MAX_CONTROL_SHARE = 0.01
_SAMPLE = 65536
_ARABIC_LETTER = re.compile(r"[\u0621-\u064a\u0660-\u0669\u0671-\u06d3\ufb50-\ufdff\ufe70-\ufefc]")
_LETTER = re.compile(r"[^\W\d_]")
_MIN_ARABIC_SHARE = 0.6
_STRAY = re.compile("[\udc80-\udcff]")  # bytes that are not UTF-8, as "surrogateescape" decodes them


class DecodeError(ValueError):
    """The bytes are not a text page we can decode; the message says why, for the failure record."""


def decode(data: bytes, declared: str | None = None) -> str:
    """Decode a text page: BOM first, then UTF-8 (damaged UTF-8 is refused), then windows-1256 if
    Arabic, then a declared charset.

    `declared` is a charset named by the page itself (HTML meta, HTTP header); it is tried last,
    because Arabic pages often declare a charset they do not use (iso-8859-1 over cp1256 bytes).
    """
    if not data:
        raise DecodeError("empty file")
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _decode_strict(data[len(bom) :], codec)
    _refuse_binary(data)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    characters, stray = _utf8_census(data[:_SAMPLE])
    if characters > stray:
        stray = _utf8_census(data)[1] if len(data) > _SAMPLE else stray
        raise DecodeError(
            f"damaged UTF-8: {utf8_error.reason} at byte {utf8_error.start} "
            f"({stray:,} stray byte{'s' if stray > 1 else ''} in otherwise valid UTF-8)"
        )
    text = data.decode("cp1256", errors="replace")
    if arabic_share(text[:_SAMPLE]) >= _MIN_ARABIC_SHARE:
        return text
    if declared and _known_codec(declared) not in (None, "utf-8"):
        try:
            return data.decode(declared)
        except (UnicodeDecodeError, LookupError):
            pass
    raise DecodeError(
        f"not valid UTF-8 ({utf8_error.reason} at byte {utf8_error.start}) "
        "and not windows-1256 Arabic text either"
    )


def _utf8_census(data: bytes) -> tuple[int, int]:
    """(non-ASCII characters that are valid UTF-8, stray bytes that are not) in `data`."""
    text = data.decode("utf-8", errors="surrogateescape")
    stray = len(_STRAY.findall(text))
    return len(text) - len(text.encode("ascii", errors="ignore")) - stray, stray


def arabic_share(text: str) -> float:
    """Share of letters that are Arabic: what makes a cp1256 reading of the bytes plausible."""
    letters = len(_LETTER.findall(text))
    return len(_ARABIC_LETTER.findall(text)) / letters if letters else 0.0


def _decode_strict(data: bytes, codec: str) -> str:
    """Decode after a BOM: the BOM promised this encoding, so errors mean a damaged file."""
    if not data:
        raise DecodeError("empty file (only a byte order mark)")
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise DecodeError(f"{codec} byte order mark but invalid {codec} at byte {exc.start}") from exc
    if "\x00" in text:
        raise DecodeError(f"binary data: NUL characters in {codec} text")
    return text


def _refuse_binary(data: bytes) -> None:
    """Binary files (images, archives, executables) hold NUL bytes or many control bytes."""
    sample = data[:_SAMPLE]
    if b"\x00" in sample:
        raise DecodeError("binary data: NUL bytes (not UTF-16 with a byte order mark)")
    controls = len(sample.translate(None, _NOT_CONTROL))
    if controls > _MAX_CONTROL_SHARE * len(sample):
        raise DecodeError(f"binary data: {controls} control bytes in the first {len(sample)} bytes")


def _known_codec(name: str) -> str | None:
    """Python's canonical codec name for a declared charset, or None when it is unknown."""
    try:
        return codecs.lookup(name.strip()).name
    except LookupError:
        return None
