"""Analyst feedback on stored articles: record decisions, and apply them to the findings.

A decision confirms, rejects or adds one narrative, sub-narrative or entity role of one
stored article (``schema.FeedbackItem``). Decisions are appended, never edited; for each
target the latest one is in force. :func:`corrected_article` applies the decisions in
force to the stored ``Analysis`` and gives the labels training and export use:
``(findings ∪ confirmed ∪ added) − rejected``, with the taxonomy's hierarchy kept
(a sub-narrative needs its narrative; a narrative left without a sub-narrative gets its
``…: Other``; no narrative at all is ``Other``). Confirming the narrative ``Other``
says the analyst agrees the article pushes none (it marks the layer reviewed). The tables are created by
``store._v4``; the article text is kept beside the decisions (the ``articles`` table
holds results only) and checked against the article's content hash.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from narrascope.corpus.store import CorpusStore
from narrascope.schema import (
    Analysis,
    ArticleFeedback,
    CorrectedArticle,
    CorrectedEntity,
    EntityFrame,
    FeedbackItem,
    FeedbackRecord,
    Mention,
)
from narrascope.taxonomy import OTHER, Taxonomy, default_taxonomy
from narrascope.taxonomy.roles import entity_roles

MAX_AUTHOR = 100


class FeedbackError(ValueError):
    """A decision that cannot be recorded; ``field`` names the request field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


TargetKey = tuple[str, str, str, int | None, int | None]


def target_key(item: FeedbackItem) -> TargetKey:
    """What a decision is about: later decisions on the same key replace earlier ones."""
    if item.kind == "role":
        return (item.kind, item.label, item.entity or "", item.start, item.end)
    return (item.kind, item.label, "", None, None)


def representative_mention(entity: EntityFrame) -> Mention:
    """The mention a role decision on a detected entity is pinned to: the one in the
    sentence that shows the role (what the analyst read), else the first."""
    if entity.evidence is not None:
        for m in entity.mentions:
            if entity.evidence.start <= m.start < entity.evidence.end:
                return m
    return entity.mentions[0]


# --------------------------------------------------------------------------- validation


def check_item(item: FeedbackItem, analysis: Analysis, text: str | None, index: int = 0) -> FeedbackItem:
    """``item`` with its label checked against the taxonomy and a role's mention span
    resolved (from the detected entity, or by finding the name in ``text``)."""
    where = f"items.{index}"
    taxonomy = default_taxonomy()
    if item.kind == "narrative" and item.label == OTHER and item.decision == "reject":
        raise FeedbackError(f"{where}.decision", f"{OTHER!r} can be confirmed (no narrative), not rejected")
    if item.kind == "narrative" and item.label != OTHER and item.label not in taxonomy.narrative_labels():
        raise FeedbackError(f"{where}.label", f"unknown narrative {item.label!r}")
    if item.kind == "subnarrative" and item.label not in taxonomy.subnarrative_labels():
        raise FeedbackError(f"{where}.label", f"unknown sub-narrative {item.label!r}")
    if item.kind != "role":
        return item.model_copy(update={"entity": None, "start": None, "end": None})
    if item.label not in entity_roles().fine_names():
        raise FeedbackError(f"{where}.label", f"unknown fine-grained role {item.label!r}")
    return _resolve_role_span(item, analysis, text, where)


def _resolve_role_span(item: FeedbackItem, analysis: Analysis, text: str | None, where: str) -> FeedbackItem:
    start, end, name = item.start, item.end, (item.entity or "").strip()
    if (start is None) != (end is None):
        raise FeedbackError(f"{where}.end", "give both start and end of the mention, or neither")
    if start is not None and end is not None:
        if end <= start:
            raise FeedbackError(f"{where}.end", "end must be greater than start")
        if text is not None:
            if end > len(text):
                raise FeedbackError(
                    f"{where}.end", f"the mention ends after the text ({len(text)} characters)"
                )
            name = name or text[start:end]
        if not name:
            raise FeedbackError(f"{where}.entity", "name the entity")
        return item.model_copy(update={"entity": name})
    if not name:
        raise FeedbackError(f"{where}.entity", "name the entity")
    for entity in analysis.entities or []:
        if entity.name == name:
            m = representative_mention(entity)
            return item.model_copy(update={"entity": name, "start": m.start, "end": m.end})
    if text is None:
        raise FeedbackError(
            f"{where}.entity",
            f"{name!r} is not a detected entity; give its mention's start and end, or the article text",
        )
    found = text.find(name)
    if found < 0:
        found = text.lower().find(name.lower())
    if found < 0:
        raise FeedbackError(f"{where}.entity", f"{name!r} does not occur in the article text")
    return item.model_copy(
        update={"entity": text[found : found + len(name)], "start": found, "end": found + len(name)}
    )


def check_author(author: str) -> str:
    author = " ".join(author.split())
    if not author:
        raise FeedbackError("author", "say who you are (any name)")
    if len(author) > MAX_AUTHOR:
        raise FeedbackError("author", f"at most {MAX_AUTHOR} characters")
    return author


# --------------------------------------------------------------------------- storage


def record(
    store: CorpusStore,
    analysis: Analysis,
    items: Sequence[FeedbackItem],
    author: str,
    text: str | None = None,
) -> list[FeedbackRecord]:
    """Check and append ``items`` (and keep ``text``) in one transaction: all or none."""
    if not items:
        raise FeedbackError("items", "no decision given")
    author = check_author(author)
    key = (analysis.id, analysis.content_sha256)
    if text is not None and hashlib.sha256(text.encode("utf-8")).hexdigest() != analysis.content_sha256:
        raise FeedbackError("text", "the text is not the analysed article (its SHA-256 differs)")
    known_text = text if text is not None else article_text(store, *key)
    checked = [check_item(item, analysis, known_text, i) for i, item in enumerate(items)]
    now = datetime.now(UTC).replace(microsecond=0)
    with store.transaction() as db:
        if text is not None:
            db.execute("INSERT OR IGNORE INTO feedback_texts VALUES (?, ?, ?)", (*key, text))
        db.executemany(
            "INSERT INTO feedback (id, content_sha256, kind, label, entity, start, "
            '"end", decision, author, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
            [
                (*key, i.kind, i.label, i.entity or "", i.start, i.end, i.decision, author, _iso(now))
                for i in checked
            ],
        )
    return records(store, *key)[-len(checked) :]


def records(store: CorpusStore, article_id: str, content_sha256: str) -> list[FeedbackRecord]:
    """Every decision on one article, oldest first."""
    rows = store.db.execute(
        'SELECT seq, kind, label, entity, start, "end", decision, author, at FROM feedback '
        "WHERE id = ? AND content_sha256 = ? ORDER BY seq",
        (article_id, content_sha256),
    ).fetchall()
    return [
        FeedbackRecord(
            seq=seq,
            kind=kind,
            label=label,
            entity=entity or None,
            start=start,
            end=end,
            decision=decision,
            author=author,
            at=datetime.fromisoformat(at).replace(tzinfo=UTC),
        )
        for seq, kind, label, entity, start, end, decision, author, at in rows
    ]


def article_text(store: CorpusStore, article_id: str, content_sha256: str) -> str | None:
    """The article text: kept with its feedback, else the one the store kept with the analysis."""
    key = (article_id, content_sha256)
    row = store.db.execute(
        "SELECT content FROM feedback_texts WHERE id = ? AND content_sha256 = ?", key
    ).fetchone()
    if row is None:
        row = store.db.execute(
            "SELECT text FROM texts WHERE id = ? AND content_sha256 = ? AND text IS NOT NULL", key
        ).fetchone()
    return None if row is None else str(row[0])


def reviewed_articles(store: CorpusStore) -> list[tuple[str, str]]:
    """``(id, content_sha256)`` of every article with at least one decision, in id order."""
    rows = store.db.execute("SELECT DISTINCT id, content_sha256 FROM feedback ORDER BY id, content_sha256")
    return [(str(a), str(b)) for a, b in rows.fetchall()]


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


# --------------------------------------------------------------------------- applying decisions


def in_force(history: Iterable[FeedbackRecord]) -> list[FeedbackRecord]:
    """The latest decision on each target, in order of arrival."""
    latest: dict[TargetKey, FeedbackRecord] = {}
    for r in sorted(history, key=lambda r: r.seq):
        latest.pop(target_key(r), None)
        latest[target_key(r)] = r
    return list(latest.values())


def corrected_article(
    analysis: Analysis, history: Sequence[FeedbackRecord], text: str | None = None
) -> CorrectedArticle:
    """The findings of ``analysis`` with the decisions of ``history`` applied."""
    current = in_force(history)
    narratives, subnarratives = _corrected_narratives(analysis, current, default_taxonomy())
    return CorrectedArticle(
        id=analysis.id,
        content_sha256=analysis.content_sha256,
        language=analysis.language.code,
        text=text,
        narratives=narratives,
        subnarratives=subnarratives,
        entities=_corrected_entities(analysis, current),
        narratives_reviewed=any(r.kind != "role" for r in current),
        roles_reviewed=any(r.kind == "role" for r in current),
    )


def _corrected_narratives(
    analysis: Analysis, current: Sequence[FeedbackRecord], taxonomy: Taxonomy
) -> tuple[list[str], list[str]]:
    found = [] if analysis.other else [n.label for n in analysis.narratives]
    found_subs = [] if analysis.other else [s.label for n in analysis.narratives for s in n.subnarratives]
    decided: dict[tuple[str, str], FeedbackRecord] = {
        (r.kind, r.label): r for r in current if r.kind != "role"
    }

    def kept(kind: str, label: str) -> bool:
        r = decided.get((kind, label))
        return r is None or r.decision != "reject"

    narratives = [n for n in found if kept("narrative", n)]
    subs = [s for s in found_subs if kept("subnarrative", s)]
    for r in current:
        if r.decision == "reject" or r.kind == "role" or r.label == OTHER:
            continue  # confirming 'Other' only marks the article reviewed: no narrative to add
        if r.kind == "narrative" and r.label not in narratives:
            narratives.append(r.label)
        if r.kind == "subnarrative" and r.label not in subs:
            parent = taxonomy.parent(r.label)
            refused = decided.get(("narrative", parent))
            # A later rejection of the narrative takes its sub-narratives with it.
            if refused is not None and refused.decision == "reject" and refused.seq > r.seq:
                continue
            subs.append(r.label)
            if parent not in narratives:
                narratives.append(parent)
    subs = [s for s in subs if taxonomy.parent(s) in narratives]
    for n in narratives:  # SemEval gives every narrative a sub-narrative, '…: Other' if none fits
        if (
            not any(taxonomy.parent(s) == n for s in subs)
            and f"{n}: {OTHER}" in taxonomy.subnarrative_labels()
        ):
            subs.append(f"{n}: {OTHER}")
    if not narratives:
        return [OTHER], [OTHER]
    return narratives, subs


def _corrected_entities(analysis: Analysis, current: Sequence[FeedbackRecord]) -> list[CorrectedEntity]:
    roles = entity_roles()
    # One entry per (name, mention span): the detected entities first, then added ones.
    base: dict[tuple[str, int, int], tuple[str, list[str]]] = {}
    for e in analysis.entities or []:
        m = representative_mention(e)
        base[(e.name, m.start, m.end)] = (e.main_role, list(e.fine_roles))
    decisions: dict[tuple[str, int, int], list[FeedbackRecord]] = {}
    for r in current:
        if r.kind == "role" and r.entity and r.start is not None and r.end is not None:
            decisions.setdefault((r.entity, r.start, r.end), []).append(r)
    out: list[CorrectedEntity] = []
    for key in [*base, *(k for k in decisions if k not in base)]:
        main, fine = base.get(key, ("", []))
        fine = list(fine)
        added: list[str] = []
        for r in decisions.get(key, []):
            if r.decision == "reject":
                fine = [f for f in fine if f != r.label]
            elif r.label not in fine:
                fine.append(r.label)
                added.append(r.label)
        if added:  # the analyst's latest added role sets the main role (SemEval: one main role)
            main = roles.main_of(added[-1])
        fine = [f for f in fine if roles.main_of(f) == main]
        if fine:
            out.append(
                CorrectedEntity.model_validate(
                    {"name": key[0], "start": key[1], "end": key[2], "main_role": main, "fine_roles": fine}
                )
            )  # type: ignore[arg-type]
    return out


def article_feedback(store: CorpusStore, analysis: Analysis) -> ArticleFeedback:
    """Everything the store knows about the analyst's decisions on ``analysis``."""
    history = records(store, analysis.id, analysis.content_sha256)
    text = article_text(store, analysis.id, analysis.content_sha256)
    return ArticleFeedback(
        id=analysis.id,
        content_sha256=analysis.content_sha256,
        current=in_force(history),
        history=history,
        corrected=corrected_article(analysis, history, text),
    )


def corrected_articles(store: CorpusStore) -> list[CorrectedArticle]:
    """Every reviewed article of the store with its corrected labels and text (if kept)."""
    out = []
    for article_id, sha in reviewed_articles(store):
        row = store.db.execute(
            "SELECT analysis FROM articles WHERE id = ? AND content_sha256 = ?", (article_id, sha)
        ).fetchone()
        if row is None:  # the analysis was removed; decisions alone say too little to train on
            continue
        analysis = Analysis.model_validate_json(row[0])
        out.append(
            corrected_article(analysis, records(store, article_id, sha), article_text(store, article_id, sha))
        )
    return out
