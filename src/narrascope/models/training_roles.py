"""Training and grouped cross-validation of the entity-role model (``train roles``).

Owns turning the SemEval subtask-1 annotations into role features (sentence and
mention embeddings), the grouped CV, and the artifact: ``roles.npz`` (weights and the
neighbour memory: the training mentions' vectors as float16, no text),
``mentions.json`` (the mention detector's lexicon) and ``manifest.json``.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from sklearn.model_selection import GroupKFold

from narrascope.eval.feedback import RoleData, with_role_corrections
from narrascope.eval.roles import MentionLine, RoleScores, mention_span, read_role_training, score_roles
from narrascope.eval.semeval import read_raw_documents
from narrascope.models.base import ArtifactManifest
from narrascope.models.roles import RoleClassifier, RoleConfig, role_features
from narrascope.models.salience import SalienceModel, entity_features, heuristic_salience
from narrascope.models.training import training_manifest
from narrascope.nlp.embed import Embedder, EmbeddingCache, embedding_text
from narrascope.nlp.ner import (
    LEXICON_FILE,
    Gazetteer,
    MentionDetector,
    SpanTagger,
    entity_key,
    group_candidates,
    is_known,
    plausible,
    tokens,
)
from narrascope.nlp.segment import containing_sentence, split_sentences
from narrascope.taxonomy.roles import entity_roles
from narrascope.util import atomic_write_text

SEED = 0


def collapse(text: str) -> str:
    """Whitespace collapsed: the form of an entity string in the gazetteer."""
    return " ".join(text.split())


def mention_texts(
    mentions: Sequence[MentionLine], texts: dict[str, str]
) -> tuple[list[str], list[str], list[tuple[int, int]]]:
    """For each mention: its sentence and its string as embedded (``embedding_text``), its located span."""
    sentences_of: dict[str, list] = {}
    sentences, strings, spans = [], [], []
    for m in mentions:
        text = texts[m.article_id]
        if m.article_id not in sentences_of:
            sentences_of[m.article_id] = split_sentences(text)
        span, _ = mention_span(text, m)
        sentence = containing_sentence(sentences_of[m.article_id], span[0])
        sentences.append(embedding_text(sentence.text if sentence else text[span[0] : span[1]]))
        strings.append(embedding_text(text[span[0] : span[1]]) or m.mention)
        spans.append(span)
    return sentences, strings, spans


def embed_features(
    sentences: Sequence[str], strings: Sequence[str], languages: Sequence[str | None], embedder: Embedder
) -> np.ndarray:
    """Embed each unique text once, then assemble the per-mention feature rows."""
    unique = list(dict.fromkeys([*sentences, *strings]))
    vectors = embedder.embed(unique)
    row = {t: i for i, t in enumerate(unique)}
    return role_features(vectors[[row[s] for s in sentences]], vectors[[row[s] for s in strings]], languages)


def cross_validate_roles(
    mentions: Sequence[MentionLine],
    X: np.ndarray,
    texts: dict[str, str],
    langs: dict[str, str],
    config: RoleConfig,
    folds: int = 5,
) -> dict[str, Any]:
    """Grouped k-fold CV (groups = article content hash: duplicated articles stay together)."""
    roles = entity_roles()
    groups = [hashlib.sha256(texts[m.article_id].encode()).hexdigest() for m in mentions]
    splitter = GroupKFold(n_splits=folds, shuffle=True, random_state=SEED)
    predicted: list[MentionLine | None] = [None] * len(mentions)
    fold_emr = []
    for train, test in splitter.split(X, groups=groups):
        clf = RoleClassifier(roles, config).fit(X[train], [mentions[i].fine_roles for i in train])
        for i, p in zip(test, clf.predict(X[test]), strict=True):
            m = mentions[i]
            predicted[i] = MentionLine(
                m.article_id, m.mention, m.start, m.end, p.main_role, tuple(p.fine_roles)
            )
        fold_preds = [p for i in test if (p := predicted[i]) is not None]
        fold_emr.append(score_roles([mentions[i] for i in test], fold_preds).exact_match)
    preds_all = [p for p in predicted if p is not None]
    result: dict[str, Any] = {"overall": _as_dict(score_roles(mentions, preds_all))}
    languages = sorted(set(langs.values()))
    for lang in languages:
        subset = [m for m in mentions if langs[m.article_id] == lang]
        result[lang] = _as_dict(score_roles(subset, preds_all))
    result["language_mean"] = {
        key: round(float(np.mean([result[lang][key] for lang in languages])), 4)
        for key in ("exact_match", "micro_f1", "main_accuracy")
    }
    result["exact_match_fold_sd"] = round(float(np.std(fold_emr)), 4)
    return result


def _as_dict(s: RoleScores) -> dict[str, float]:
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in asdict(s).items()}


# A gazetteer entry found in at least this many annotated articles but annotated in fewer
# than this share of them is a common word ("शुरू", "लोगों"), not an entity name.
COMMON_ENTRY_MIN_ARTICLES = 5
COMMON_ENTRY_MAX_SHARE = 0.1


def gazetteer_entries(mentions: Sequence[MentionLine], texts: Mapping[str, str]) -> list[str]:
    """Annotated mention strings for the gazetteer, minus common words: entries without a
    capital letter (all of Hindi) that occur in many of the annotated articles ``texts``
    (keyed by ``article_id``) but are almost never annotated where they occur (Hindi
    common nouns and verbs such as "शुरू", "लोगों"; lowercase annotation noise)."""
    entries = sorted({collapse(m.mention) for m in mentions if len(collapse(m.mention)) >= 2})
    annotated: dict[str, set[str]] = defaultdict(set)
    for m in mentions:
        annotated[entity_key(m.mention)].add(m.article_id)
    present: dict[str, set[str]] = defaultdict(set)
    gazetteer = Gazetteer(entries)
    for article in sorted({m.article_id for m in mentions} & texts.keys()):
        for cand in gazetteer.find(texts[article]):
            present[entity_key(cand.text)].add(article)

    def common(entry: str) -> bool:
        if any(ch.isupper() for ch in entry):
            return False  # capitalised: a name ("Moscow"), however rarely it is framed
        key = entity_key(entry)
        seen = present.get(key, set())
        share = len(annotated[key] & seen) / max(1, len(seen))
        return len(seen) >= COMMON_ENTRY_MIN_ARTICLES and share < COMMON_ENTRY_MAX_SHARE

    return [e for e in entries if not common(e)]


def mention_lexicon(
    mentions: Sequence[MentionLine],
    texts: dict[str, str],
    annotated_texts: Mapping[str, str] | None = None,
) -> dict[str, list[str]]:
    """The detector's lexicon: entity strings seen in the annotations (a gazetteer, common
    words removed using ``annotated_texts``, the annotated articles by id, when given) and
    words the corpus ``texts`` writes in lowercase but also capitalises (sentence-initial
    filter). Word lists only; no article text is stored."""
    gazetteer = gazetteer_entries(mentions, annotated_texts or {})
    lower: Counter[str] = Counter()
    capitalised: set[str] = set()
    for text in texts.values():
        for _, _, word in tokens(text):
            if word[0].isupper():
                capitalised.add(word.lower())
            elif word[0].islower():
                lower[word] += 1
    common = sorted(w for w, n in lower.items() if n >= 2 and w in capitalised)
    return {"gazetteer": gazetteer, "common_lowercase": common}


def train_role_model(
    data: Path,
    out_dir: Path,
    *,
    cache_path: Path | None = None,
    folds: int = 5,
    config: RoleConfig | None = None,
    console: Console | None = None,
    corrections: RoleData | None = None,
) -> ArtifactManifest:
    """Cross-validate, fit on all data, save. ``corrections`` (``eval.feedback.role_data``
    of analyst-corrected articles) are added to the training data, replacing any training
    article with the same id or text, and take part in CV like the others."""
    console = console or Console(stderr=True)
    started = time.time()
    config = config or RoleConfig()
    mentions, texts, langs = read_role_training(data)
    if corrections is not None:
        before = len(texts)
        mentions, texts, langs = with_role_corrections((mentions, texts, langs), corrections)
        console.print(
            f"analyst corrections: {len(corrections[1])} articles, {len(corrections[0])} mentions "
            f"({before + len(corrections[1]) - len(texts)} training articles replaced)"
        )
    if not mentions:
        raise ValueError(f"{data}: no subtask-1 annotations found")
    console.print(f"{len(mentions)} annotated mentions in {len(texts)} articles")
    sentences, strings, _ = mention_texts(mentions, texts)
    cache = EmbeddingCache(cache_path) if cache_path else None
    X = embed_features(sentences, strings, [langs[m.article_id] for m in mentions], Embedder(cache=cache))
    cv: dict[str, Any] = {}
    if folds > 1:
        cv = cross_validate_roles(mentions, X, texts, langs, config, folds)
        o = cv["overall"]
        console.print(
            f"CV: exact match {o['exact_match']:.3f} (sd {cv['exact_match_fold_sd']:.3f}), "
            f"main accuracy {o['main_accuracy']:.3f}, micro F1 {o['micro_f1']:.3f}"
        )
    final = RoleClassifier(entity_roles(), config).fit(X, [m.fine_roles for m in mentions])
    manifest = training_manifest(
        "narrascope-roles",
        {
            "data": str(data),
            "mentions": len(mentions),
            "articles": len(texts),
            # only when given, so a plain retrain's manifest is unchanged
            **({"corrected_articles": len(corrections[1])} if corrections else {}),
        },
        started,
        cv,
    )
    lexicon: dict[str, Any] = mention_lexicon(mentions, read_raw_documents(data) or texts, texts)
    salience, salience_cv = train_salience(mentions, texts, langs, lexicon["common_lowercase"], folds or 5)
    lexicon["salience"] = salience.to_dict()
    manifest.cross_validation["entity_selection"] = salience_cv
    console.print(
        f"entity selection (CV): recall of gold mentions at {SELECTION_BUDGET} entities/article "
        f"{salience_cv['recall_learned']:.3f} learned vs {salience_cv['recall_heuristic']:.3f} heuristic"
    )
    final.save(out_dir, manifest)
    atomic_write_text(out_dir / LEXICON_FILE, json.dumps(lexicon, ensure_ascii=False, indent=0) + "\n")
    console.print(f"role model written to {out_dir} in {time.time() - started:.0f}s")
    return manifest


SELECTION_BUDGET = 12  # must match pipeline.entities.MAX_ENTITIES for the reported figure


@dataclass
class SalienceData:
    """Out-of-fold entity rows of the annotated articles, with both rankings' scores."""

    articles: list[str]
    gold: dict[str, list[tuple[int, int]]]
    rows: list[tuple[int, np.ndarray, bool, list[tuple[int, int]], float]]
    learned: np.ndarray
    heuristic: np.ndarray

    def recall(
        self, scores: np.ndarray, language_of: dict[str, str] | None = None, language: str = ""
    ) -> float:
        return _selection_recall(self.rows, scores, self.gold, self.articles, language_of, language)


def gold_spans(mentions: Sequence[MentionLine], texts: Mapping[str, str]) -> dict[str, list[tuple[int, int]]]:
    """The annotated mention spans of each article (offsets repaired), in file order."""
    gold: dict[str, list[tuple[int, int]]] = {}
    for m in mentions:
        span, _ = mention_span(texts[m.article_id], m)
        gold.setdefault(m.article_id, []).append(span)
    return gold


def article_folds(
    gold: Mapping[str, object], texts: Mapping[str, str], folds: int = 5
) -> tuple[list[str], list[tuple[np.ndarray, np.ndarray]]]:
    """The annotated articles (sorted) and the grouped folds over them that the entity
    benchmarks share: GroupKFold by content hash, seeded, as in ``salience_cross_validation``."""
    articles = sorted(gold)
    groups = [hashlib.sha256(texts[a].encode()).hexdigest() for a in articles]
    splitter = GroupKFold(n_splits=folds, shuffle=True, random_state=SEED)
    return articles, list(splitter.split(articles, groups=groups))


def salience_cross_validation(
    mentions: Sequence[MentionLine],
    texts: dict[str, str],
    langs: dict[str, str],
    common_lowercase: Sequence[str],
    folds: int = 5,
    hindi_tagger: Callable[[set[str]], SpanTagger] | None = None,
) -> SalienceData:
    """Detect and featurise every annotated article with a gazetteer built without its
    fold (as at run time, where the article is new: "known entity" is not a leak), then
    score each fold with a salience model fitted on the others. ``hindi_tagger`` builds a
    Hindi mention tagger from a fold's training article ids (measured, not shipped)."""
    gold = gold_spans(mentions, texts)
    articles, splits = article_folds(gold, texts, folds)
    rows: list[tuple[int, np.ndarray, bool, list[tuple[int, int]], float]] = []
    for train, test in splits:
        train_ids = {articles[i] for i in train}
        entries = gazetteer_entries([m for m in mentions if m.article_id in train_ids], texts)
        known = {entity_key(e) for e in entries}
        tagger = hindi_tagger(train_ids) if hindi_tagger is not None else None
        detector = MentionDetector(entries, common_lowercase, tagger)
        for i in test:
            rows.extend(
                _entity_rows(i, texts[articles[i]], langs[articles[i]], detector, known, gold[articles[i]])
            )
    X = np.stack([r[1] for r in rows])
    y = np.array([r[2] for r in rows])
    owner = np.array([r[0] for r in rows])
    learned = np.zeros(len(rows))
    for train, test in splits:
        in_train, in_test = np.isin(owner, train), np.isin(owner, test)
        learned[in_test] = SalienceModel().fit(X[in_train], y[in_train]).predict_proba(X[in_test])
    heuristic = np.array([r[4] for r in rows])
    return SalienceData(articles, gold, rows, learned, heuristic)


def train_salience(
    mentions: Sequence[MentionLine],
    texts: dict[str, str],
    langs: dict[str, str],
    common_lowercase: Sequence[str],
    folds: int = 5,
) -> tuple[SalienceModel, dict[str, Any]]:
    """The salience model fitted on all rows, and its CV recall of gold mentions at the
    entity budget against the count-and-bonus heuristic."""
    data = salience_cross_validation(mentions, texts, langs, common_lowercase, folds)
    cv = {
        "budget_entities": SELECTION_BUDGET,
        "recall_learned": data.recall(data.learned),
        "recall_heuristic": data.recall(data.heuristic),
        "entities_per_article": round(len(data.rows) / len(data.articles), 1),
    }
    X = np.stack([r[1] for r in data.rows])
    y = np.array([r[2] for r in data.rows])
    return SalienceModel().fit(X, y), cv


def _entity_rows(
    index: int,
    text: str,
    language: str,
    detector: MentionDetector,
    known: frozenset[str] | set[str],
    gold: list[tuple[int, int]],
) -> list[tuple[int, np.ndarray, bool, list[tuple[int, int]], float]]:
    sentences = split_sentences(text)
    headline_end = sentences[0].end if sentences else 0
    starts = [s.start for s in sentences]
    lang = language.lower()
    candidates = [c for c in detector.detect(text, lang) if plausible(c.text)]
    rows = []
    for cands in group_candidates(candidates, lang, text).values():
        spans = [(c.start, c.end) for c in cands]
        framed = any(s < ge and gs < e for s, e in spans for gs, ge in gold)
        seen = is_known(cands, known)
        features = entity_features(cands, seen, headline_end, len(text), starts, lang)
        rows.append((index, features, framed, spans, heuristic_salience(cands, seen, headline_end)))
    return rows


def _selection_recall(
    rows: Sequence[tuple[int, np.ndarray, bool, list[tuple[int, int]], float]],
    scores: np.ndarray,
    gold: dict[str, list[tuple[int, int]]],
    articles: Sequence[str],
    language_of: dict[str, str] | None = None,
    language: str = "",
) -> float:
    by_article: dict[int, list[int]] = {}
    for j, row in enumerate(rows):
        by_article.setdefault(row[0], []).append(j)
    found = total = 0
    for i, article in enumerate(articles):
        if language_of is not None and language_of[article] != language:
            continue
        kept = sorted(by_article.get(i, []), key=lambda j: -scores[j])[:SELECTION_BUDGET]
        spans = [span for j in kept for span in rows[j][3]]
        found += sum(any(s < ge and gs < e for s, e in spans) for gs, ge in gold[article])
        total += len(gold[article])
    return round(found / max(1, total), 4)
