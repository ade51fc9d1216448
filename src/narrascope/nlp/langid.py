"""Language identification with lingua, restricted to a short list of languages.

Restricting the detector keeps start-up and memory small (all 75 languages cost
about 1.3 GB). The list holds the five supported languages plus a few neighbours,
so that, say, a Ukrainian or Spanish article is reported as such (and flagged as
unsupported) instead of being forced into the nearest supported language. Polish is
among them because the technique stage serves it (segment model) while the other
stages skip it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

SUPPORTED = ("bg", "en", "hi", "pt", "ru")
_NEIGHBOURS = ("uk", "es", "fr", "de", "pl")
_SAMPLE_CHARS = 3000


@lru_cache(maxsize=1)
def _detector() -> Any:
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, code.upper()) for code in SUPPORTED + _NEIGHBOURS]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()


def detect_language(text: str) -> tuple[str, float]:
    """Return ``(iso-639-1 code, confidence)``; ``("und", 0.0)`` if nothing is detected."""
    sample = text[:_SAMPLE_CHARS]
    if not sample.strip():
        return "und", 0.0
    values = _detector().compute_language_confidence_values(sample)
    if not values or values[0].value <= 0.0:
        return "und", 0.0
    top = values[0]
    return top.language.iso_code_639_1.name.lower(), float(top.value)
