"""Input stage: turn files, records and stdin into validated ``Article`` objects.

This stage owns everything between a path (or ``-`` for stdin) and a
:class:`narrascope.schema.Article`: size limits, refusing binary, empty and
non-UTF-8 input, decoding without changing a single code point (so offsets into
``Article.content`` match the file), parsing ``.txt``, ``.json`` and ``.jsonl``
inputs (``readers``) plus ``.csv`` records, saved ``.html`` pages and folders
(``corpus_sources``, the one reader ``analyze`` and ``batch`` share), metadata of ``.txt``
articles (front matter or a ``.meta.json`` sidecar), web pages fetched by URL with
address, size, time and redirect checks (``fetch``), and reporting
every problem as an :class:`InputError` whose message is one line naming the source
(``path``, ``-`` or ``path:line N``). Readers yield errors next to articles instead of
stopping, so one bad record never hides the good ones.
It never analyses text: no language detection, segmentation or classification.
"""

from __future__ import annotations

from narrascope.io.corpus_sources import INPUT_FORMATS, iter_corpus, iter_inputs, read_bytes
from narrascope.io.fetch import FetchPolicy, fetch_article, is_url
from narrascope.io.readers import (
    FORMATS,
    MAX_BYTES,
    InputError,
    article_from_text,
    article_from_txt,
    decode_bytes,
    infer_format,
    iter_txt_dir,
    parse_record,
    read_input,
    read_json,
    read_jsonl,
    read_txt,
)

__all__ = [
    "FORMATS",
    "INPUT_FORMATS",
    "MAX_BYTES",
    "FetchPolicy",
    "InputError",
    "article_from_text",
    "article_from_txt",
    "decode_bytes",
    "fetch_article",
    "infer_format",
    "is_url",
    "iter_corpus",
    "iter_inputs",
    "iter_txt_dir",
    "parse_record",
    "read_bytes",
    "read_input",
    "read_json",
    "read_jsonl",
    "read_txt",
]
