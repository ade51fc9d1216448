"""Optional LLM backend for explanations: an OpenAI-compatible ``/v1/chat/completions`` endpoint.

The user runs or pays for the endpoint (``--llm-url`` / ``NARRASCOPE_LLM_URL``, model
``--llm-model``, key in ``NARRASCOPE_LLM_API_KEY``). The standard library's urllib
does the request, so the backend adds no dependency. An answer is only accepted when
it passes the checks an offline explanation passes by construction: at most 80 words,
in the article's language, and every quoted span really in the article. Anything else
(timeout, HTTP or network error, malformed reply, failed check) raises ``LLMError``,
and the caller falls back to the offline explanation.
"""

from __future__ import annotations

import json
import os
import socket
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass

from narrascope.languages import NAMES
from narrascope.models.explain import MAX_WORDS, invented_quotes, word_count

API_KEY_ENV = "NARRASCOPE_LLM_API_KEY"
MAX_PROMPT_ARTICLE_CHARS = 12_000
"""Longer articles are cut in the prompt: small local models have small contexts."""
MAX_REPLY_BYTES = 1_000_000


class LLMError(RuntimeError):
    """The endpoint failed or its answer was rejected; the message says why (one line)."""


@dataclass(frozen=True)
class LLMConfig:
    url: str
    model: str
    api_key: str | None = None
    timeout: float = 30.0

    @classmethod
    def from_env(cls, url: str, model: str, timeout: float = 30.0) -> LLMConfig:
        return cls(url=url, model=model, api_key=os.environ.get(API_KEY_ENV) or None, timeout=timeout)

    @property
    def endpoint(self) -> str:
        base = self.url.rstrip("/")
        if base.endswith("/chat/completions"):
            return base
        return base + ("/chat/completions" if base.endswith("/v1") else "/v1/chat/completions")


def build_messages(
    article: str, language: str, narrative: str, description: str, evidence: Sequence[str]
) -> list[dict[str, str]]:
    """The chat prompt: the task, the narrative and its description, evidence sentences, the article."""
    lang = NAMES.get(language, language)
    system = (
        "You explain why a news article pushes a given narrative. Write at most 60 words in "
        f"{lang}, in one or two sentences, starting with what the text does (e.g. 'The text argues "
        "that ...'). Say only what the article says: quote it with quotation marks only "
        "word for word, name no person, place or organisation the article does not name."
    )
    quoted = "\n".join(f"- {s}" for s in evidence)
    user = (
        f"Narrative: {narrative}\nWhat it claims: {description}\n\n"
        f"Sentences of the article that support it:\n{quoted}\n\n"
        f"Article:\n{article[:MAX_PROMPT_ARTICLE_CHARS]}\n\n"
        f"Explain in {lang}, at most 60 words, why this article pushes this narrative."
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def chat(config: LLMConfig, messages: list[dict[str, str]]) -> str:
    """The first choice's message content; ``LLMError`` on any failure."""
    body = json.dumps({"model": config.model, "messages": messages, "temperature": 0.2, "max_tokens": 300})
    headers = {"Content-Type": "application/json"}
    if config.api_key:
        headers["Authorization"] = f"Bearer {config.api_key}"
    request = urllib.request.Request(config.endpoint, data=body.encode("utf-8"), headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=config.timeout) as response:
            raw = response.read(MAX_REPLY_BYTES)
    except urllib.error.HTTPError as error:
        raise LLMError(f"HTTP {error.code} from {config.endpoint}") from error
    except TimeoutError as error:
        raise LLMError(f"no answer within {config.timeout:g} s") from error
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, TimeoutError | socket.timeout):
            raise LLMError(f"no answer within {config.timeout:g} s") from error
        raise LLMError(f"cannot reach {config.endpoint}: {reason}") from error
    try:
        content = json.loads(raw)["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError) as error:
        raise LLMError("malformed reply (no choices[0].message.content)") from error
    if not isinstance(content, str):
        raise LLMError("malformed reply (content is not text)")
    return " ".join(content.split())


def check_answer(answer: str, article: str, language: str) -> None:
    """Raise ``LLMError`` unless the answer is non-empty, short enough, in ``language`` and quotes truly."""
    from narrascope.nlp.langid import detect_language

    if not answer:
        raise LLMError("empty answer")
    words = word_count(answer)
    if words > MAX_WORDS:
        raise LLMError(f"answer has {words} words, more than {MAX_WORDS}")
    found, _ = detect_language(answer)
    if found != language:
        raise LLMError(f"answer is in '{found}', not in the article's language '{language}'")
    invented = invented_quotes(answer, article)
    if invented:
        raise LLMError(f"quotes text the article does not contain: {invented[0][:60]!r}")


def llm_explanation(
    config: LLMConfig, article: str, language: str, narrative: str, description: str, evidence: Sequence[str]
) -> str:
    """An explanation from the endpoint that passed :func:`check_answer`; ``LLMError`` otherwise."""
    answer = chat(config, build_messages(article, language, narrative, description, evidence))
    check_answer(answer, article, language)
    return answer
