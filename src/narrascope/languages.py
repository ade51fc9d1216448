"""The languages narrascope's trained models support, defined once.

Every stage that needs the list (language id, model features, per-language
reports, the shared-task folder layout) imports it from here, so adding a
language is one edit plus retraining.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

SUPPORTED: tuple[str, ...] = ("bg", "en", "hi", "pt", "ru")
"""ISO 639-1 codes of the languages the shipped models were trained on, in feature order."""

NAMES: dict[str, str] = {
    "bg": "Bulgarian",
    "en": "English",
    "hi": "Hindi",
    "pt": "Portuguese",
    "ru": "Russian",
}


def is_supported(code: str | None) -> bool:
    return (code or "").lower() in SUPPORTED


def one_hot(codes: Sequence[str | None]) -> np.ndarray:
    """``(len(codes), len(SUPPORTED))`` float32 indicator matrix; unknown codes are all zeros."""
    out = np.zeros((len(codes), len(SUPPORTED)), dtype=np.float32)
    for row, code in enumerate(codes):
        key = (code or "").lower()
        if key in SUPPORTED:
            out[row, SUPPORTED.index(key)] = 1.0
    return out


def folder_name(code: str) -> str:
    """The shared-task data folder of a language (``en`` -> ``EN``)."""
    return code.upper()
