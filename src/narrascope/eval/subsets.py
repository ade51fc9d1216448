"""Subsets of an evaluation: which gold articles belong to which language.

Scores are reported per language when the articles are at hand (``--docs``); the
language is detected from each article's text, because shared-task file names do not
reliably tell it (see the data README).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from narrascope.io import InputError, read_txt

UNREADABLE = "unreadable"
"""The subset of ids whose article file is missing or unreadable."""


def ids_by_language(docs: Path, ids: Iterable[str]) -> dict[str, list[str]]:
    """Article ids grouped by the detected language of ``docs/<id>``, sorted by language code.

    Raises :class:`InputError` when ``docs`` is not a folder (a typo would otherwise
    put every article under ``unreadable``).
    """
    from narrascope.nlp.langid import detect_language

    if not Path(docs).is_dir():
        raise InputError(str(docs), "no such directory" if not Path(docs).exists() else "not a directory")
    by_lang: dict[str, list[str]] = {}
    for doc_id in ids:
        try:
            code = detect_language(read_txt(Path(docs) / doc_id).content)[0]
        except InputError:
            code = UNREADABLE
        by_lang.setdefault(code, []).append(doc_id)
    return dict(sorted(by_lang.items()))
