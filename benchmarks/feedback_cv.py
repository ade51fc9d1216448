"""Does adding analyst-corrected articles help? (issue 12, feedback; roles and narratives)

A deterministic 20 % of the annotated training articles (grouped by content hash) is
held out as "analyst corrections": their gold labels stand in for an analyst's. They go
through the real feedback path: each is saved to a temporary corpus store as an
analysis that found nothing, the analyst "adds" every gold label (roles at their
mention; narratives and sub-narratives; "confirm Other" for an article with none) with
``corpus.feedback.record``, and ``corrected_articles`` → ``eval.feedback.role_data`` /
``narrative_docs`` gives the training rows, exactly what ``train … --feedback`` reads.
The other articles are split into the 5 grouped folds of ``train roles`` / ``train
narratives``; each fold is predicted by the shipped recipe fitted on the other folds
without, then with, the corrected articles (they always train, and are never scored).

    nice -n 10 python benchmarks/feedback_cv.py --cache /work/cache/feedback.sqlite [--share 0.2]
    nice -n 10 python benchmarks/feedback_cv.py --task narratives --cache /work/cache/feedback.sqlite
"""

from __future__ import annotations

import argparse
import hashlib
import random
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.model_selection import GroupKFold

from narrascope import __version__
from narrascope.corpus.feedback import corrected_articles, record
from narrascope.corpus.store import CorpusStore
from narrascope.eval.feedback import role_data
from narrascope.eval.roles import MentionLine, mention_span, read_role_training, score_roles
from narrascope.models.roles import RoleClassifier, RoleConfig
from narrascope.models.training_roles import SEED, embed_features, mention_texts
from narrascope.nlp.embed import Embedder, EmbeddingCache
from narrascope.schema import Analysis, FeedbackItem, LanguageGuess, Provenance
from narrascope.taxonomy.roles import entity_roles

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data" / "semeval2025-task10" / "train"


def stub_analysis(article_id: str, text: str, language: str) -> Analysis:
    """What the store would hold for an article whose analysis found no entity."""
    return Analysis(
        id=article_id,
        title=text.split("\n", 1)[0][:200],
        language=LanguageGuess(code=language.lower(), confidence=1.0, detected=False),
        domain="none",
        narratives=[],
        other=True,
        content_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        content_length=len(text),
        provenance=Provenance(
            narrascope_version=__version__, profile="stub", components=[], models=[], fingerprint=""
        ),
        entities=[],
    )


def corrections_via_store(
    held: list[str], mentions: list[MentionLine], texts: dict[str, str], langs: dict[str, str]
) -> tuple[list[MentionLine], dict[str, str], dict[str, str]]:
    """The held-out articles' gold roles, recorded as analyst feedback and read back."""
    with tempfile.TemporaryDirectory() as tmp, CorpusStore(Path(tmp) / "feedback.db") as store:
        by_article: dict[str, list[MentionLine]] = {}
        for m in mentions:
            by_article.setdefault(m.article_id, []).append(m)
        for key in held:
            text = texts[key]
            article_id = key.split("/", 1)[1]
            analysis = stub_analysis(article_id, text, langs[key])
            store.save([analysis])
            items = []
            for m in by_article[key]:
                (start, end), _ = mention_span(text, m)
                items += [
                    FeedbackItem(
                        kind="role", label=f, decision="add", entity=text[start:end], start=start, end=end
                    )
                    for f in m.fine_roles
                ]
            record(store, analysis, items, "benchmark (gold labels)", text)
        return role_data(corrected_articles(store))


def held_out(texts: dict[str, str], share: float) -> set[str]:
    """The keys of ``share`` of the articles (whole content groups), chosen with the seed."""
    groups: dict[str, list[str]] = {}
    for key in sorted(texts):
        groups.setdefault(hashlib.sha256(texts[key].encode()).hexdigest(), []).append(key)
    order = sorted(groups)
    random.Random(SEED).shuffle(order)
    return {k for g in order[: round(share * len(order))] for k in groups[g]}


def narratives(args: argparse.Namespace) -> None:
    from dataclasses import replace

    from rich.console import Console

    from narrascope.eval.feedback import narrative_docs
    from narrascope.eval.semeval import read_narrative_descriptions, read_training_folder
    from narrascope.models.narratives import (
        NarrativeClassifier,
        NarrativeConfig,
        TrainingSet,
        training_other_rates,
    )
    from narrascope.models.training import (
        cross_validate,
        description_set,
        embed_articles,
        label_matrix,
        stack,
    )
    from narrascope.taxonomy import OTHER, default_taxonomy

    started = time.time()
    console = Console(stderr=True)
    docs = read_training_folder(args.data)
    held = held_out({d.id: d.text for d in docs}, args.share)
    base = [d for d in docs if d.id not in held]
    known = set(default_taxonomy().subnarrative_labels())
    with tempfile.TemporaryDirectory() as tmp, CorpusStore(Path(tmp) / "feedback.db") as store:
        for d in docs:
            if d.id not in held:
                continue
            analysis = stub_analysis(d.id, d.text, d.language)
            store.save([analysis])
            items = [
                FeedbackItem(kind="narrative", label=n, decision="add")
                for n in sorted(d.narratives - {OTHER})
            ]
            # 13 gold sub-narrative labels of the release are not in the taxonomy (an analyst could
            # not pick them; training ignores them too).
            subs = sorted(s for s in d.subnarratives - {OTHER} if s in known)
            items += [FeedbackItem(kind="subnarrative", label=s, decision="add") for s in subs]
            items = items or [FeedbackItem(kind="narrative", label=OTHER, decision="confirm")]
            record(store, analysis, items, "benchmark (gold labels)", d.text)
        corrected = narrative_docs(corrected_articles(store))
    same = sum(
        1
        for c in corrected
        for d in docs
        if d.id == c.id and d.narratives == c.narratives and d.subnarratives == c.subnarratives
    )
    print(
        f"{len(docs)} articles; corrections: {len(held)} articles -> {len(corrected)} corrected via the store "
        f"({same} with exactly the gold labels); evaluated on {len(base)}"
    )
    taxonomy = default_taxonomy()
    config = NarrativeConfig()
    probe = NarrativeClassifier(taxonomy, config)
    embedder = Embedder(cache=EmbeddingCache(args.cache))

    def training_set(items: list) -> TrainingSet:
        return TrainingSet(
            [d.text for d in items],
            embed_articles(items, config, embedder, console),
            label_matrix(items, probe.coarse_labels, fine=False),
            label_matrix(items, probe.fine_labels, fine=True),
        )

    labelled = training_set(base)
    fixes = training_set(corrected)
    folder = args.data.parent / "taxonomy"
    statements = description_set(read_narrative_descriptions(folder), probe, embedder)
    languages = [d.language.lower() for d in base]
    other = [OTHER in d.narratives or not d.narratives for d in base]
    config = replace(config, training_other_rate=training_other_rates(languages, other))
    results = {}
    for variant, extra in (("without", statements), ("with", stack(statements, fixes))):
        _, cv, _ = cross_validate(base, labelled, extra, [], languages, other, config, taxonomy, 5, console)
        results[variant] = cv
    print("variant   profile  coarse F1  fine F1  (balanced sensitivity, thresholds tuned on the same OOF)")
    for variant, cv in results.items():
        for profile in ("default", "fast"):
            b = cv[profile]["sensitivity"]["balanced"]
            print(
                f"{variant:8}  {profile:7}  {b['coarse']:.4f}     {b['fine']:.4f}   fold sd {b['fine_fold_sd']:.4f}"
            )
    print(f"{time.time() - started:.0f}s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--task", choices=("roles", "narratives"), default="roles")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--share", type=float, default=0.2, help="Share of articles held out as corrections.")
    args = parser.parse_args()
    if args.task == "narratives":
        narratives(args)
        return
    started = time.time()
    mentions, texts, langs = read_role_training(args.data)
    held = sorted(held_out(texts, args.share))
    base = [m for m in mentions if m.article_id not in set(held)]
    corr_mentions, corr_texts, corr_langs = corrections_via_store(held, mentions, texts, langs)
    gold_held = sum(1 for m in mentions if m.article_id in set(held))
    print(
        f"{len(texts)} articles, {len(mentions)} mentions; corrections: {len(held)} articles, "
        f"{gold_held} gold mentions -> {len(corr_mentions)} corrected mentions via the store"
    )
    all_texts = {**texts, **corr_texts}
    all_langs = {**langs, **corr_langs}
    rows = [*base, *corr_mentions]
    sentences, strings, _ = mention_texts(rows, all_texts)
    cache = EmbeddingCache(args.cache)
    X = embed_features(sentences, strings, [all_langs[m.article_id] for m in rows], Embedder(cache=cache))
    Xb, Xc = X[: len(base)], X[len(base) :]
    yb = [m.fine_roles for m in base]
    yc = [m.fine_roles for m in corr_mentions]
    base_groups = [hashlib.sha256(texts[m.article_id].encode()).hexdigest() for m in base]
    splitter = GroupKFold(n_splits=5, shuffle=True, random_state=SEED)
    preds: dict[str, list[MentionLine]] = {"without": [], "with": []}
    fold_emr: dict[str, list[float]] = {"without": [], "with": []}
    roles = entity_roles()
    for train, test in splitter.split(Xb, groups=base_groups):
        gold = [base[i] for i in test]
        for variant, (X_fit, y_fit) in {
            "without": (Xb[train], [yb[i] for i in train]),
            "with": (np.vstack([Xb[train], Xc]), [*(yb[i] for i in train), *yc]),
        }.items():
            clf = RoleClassifier(roles, RoleConfig()).fit(X_fit, y_fit)
            fold = [
                MentionLine(m.article_id, m.mention, m.start, m.end, p.main_role, tuple(p.fine_roles))
                for m, p in zip(gold, clf.predict(Xb[test]), strict=True)
            ]
            preds[variant] += fold
            fold_emr[variant].append(score_roles(gold, fold).exact_match)
    print(f"evaluated on {len(base)} mentions of the non-held-out articles (5 grouped folds)")
    print("variant   train mentions/fold  EMR     micro F1  main acc  EMR per fold")
    for variant in ("without", "with"):
        s = score_roles(base, preds[variant])
        extra = len(corr_mentions) if variant == "with" else 0
        per_fold = " ".join(f"{v:.3f}" for v in fold_emr[variant])
        print(
            f"{variant:8}  ~{round(len(base) * 0.8) + extra:<19} {s.exact_match:.4f}  {s.micro_f1:.4f}    "
            f"{s.main_accuracy:.4f}    {per_fold}"
        )
    gains = np.array(fold_emr["with"]) - np.array(fold_emr["without"])
    print(f"EMR gain per fold: {' '.join(f'{g:+.3f}' for g in gains)} (mean {gains.mean():+.4f})")
    print(f"{time.time() - started:.0f}s")


if __name__ == "__main__":
    main()
