"""Does the same claim get the same narratives in every language? Scores the parallel check set.

Reads ``benchmarks/data/parallel_statements.jsonl`` (60 groups, each the same statement in en, ru, bg,
pt and hi, written for narrascope; see benchmarks/data/PARALLEL_STATEMENTS.md), analyses every
statement with ``Analyzer(profile)`` (language given, not detected) and reports, per language, per
kind of text and overall:

1. **domain hit**: share of narrative-bearing statements that get at least one narrative of their
   gold domain (URW or CC) above the decision threshold (``analysis.narratives``);
2. **best-guess agreement**: the best guess is the top narrative if any passed the threshold, else
   the top weak signal, else ``Other``; the share of narrative-bearing groups where the English best
   guess equals the best guess in ru, bg, pt, hi, and where all five are equal (also: share of
   statements whose best guess is one of the gold narratives);
3. **coarse and fine samples-F1** against the gold labels (``Other`` counts as a label; per statement
   F1 = 2|G∩P|/(|G|+|P|), mean over statements; the SemEval 2025 Task 10 measure);
4. **false-positive rate on the controls**: share of control statements (gold ``Other``) that get any
   narrative above the threshold.

    python benchmarks/parallel_agreement.py [--data FILE] [--profile default|fast|narratives] [--json]

Markdown tables go to stdout; ``--json`` prints the report, with every statement's prediction,
as JSON instead.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from narrascope import __version__
from narrascope.eval.semeval import samples_f1
from narrascope.pipeline import Analyzer
from narrascope.schema import Analysis, Article
from narrascope.taxonomy import OTHER, Taxonomy, default_taxonomy

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO / "benchmarks" / "data" / "parallel_statements.jsonl"
LANGUAGES = ("en", "ru", "bg", "pt", "hi")
PIVOT = "en"
KINDS = ("headline", "post", "statement", "paragraph")


@dataclass(frozen=True)
class Statement:
    group: str
    language: str
    kind: str
    text: str
    narratives: tuple[str, ...]
    subnarratives: tuple[str, ...]

    @property
    def id(self) -> str:
        return f"{self.group}-{self.language}"

    @property
    def is_control(self) -> bool:
        return self.narratives == (OTHER,)


@dataclass(frozen=True)
class Prediction:
    narratives: tuple[str, ...]  # above the threshold; ("Other",) when none
    subnarratives: tuple[str, ...]
    best_guess: str  # top narrative, else top weak signal, else "Other"
    best_confidence: float
    above_threshold: bool  # whether the best guess passed the decision threshold


def load_statements(path: Path) -> list[Statement]:
    statements = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            statements.append(
                Statement(
                    group=record["group"],
                    language=record["language"],
                    kind=record["kind"],
                    text=record["text"],
                    narratives=tuple(record["narratives"]),
                    subnarratives=tuple(record["subnarratives"]),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise SystemExit(f"{path}:{number}: not a check-set record ({exc})") from None
    if not statements:
        raise SystemExit(f"{path}: no statements")
    return statements


def to_article(statement: Statement) -> Article:
    lines = statement.text.splitlines()
    return Article(
        id=statement.id,
        title=lines[0].strip() if lines else "",
        content=statement.text,
        language=statement.language,
    )


def prediction_of(analysis: Analysis) -> Prediction:
    coarse, fine = analysis.semeval_labels()
    if analysis.narratives:
        top = max(analysis.narratives, key=lambda n: n.confidence)
        best, confidence, above = top.label, top.confidence, True
    elif analysis.weak_signals:
        best, confidence, above = analysis.weak_signals[0].label, analysis.weak_signals[0].confidence, False
    else:
        best, confidence, above = OTHER, 0.0, False
    return Prediction(tuple(coarse), tuple(fine), best, confidence, above)


# Diagnostic ablations of the language-specific parts of the narrative model, applied to the
# loaded model without retraining or retuning its thresholds: they show which part pulls the
# versions of one statement apart, not what a model trained without that part would score.
ABLATIONS = {
    "no-language-onehot": "embedding heads see no language one-hot (as for an unknown language)",
    "same-training-prior": "every language's training Other rate replaced by their mean before the prior shift",
    "embedding-only": "lexical heads off (weight 0): only the multilingual embedding decides",
    "lexical-only": "embedding heads off (weight 1): only the language-specific lexical features decide",
}


def ablate(analyzer: Analyzer, name: str) -> None:
    from narrascope.pipeline.components import narratives as component_module

    classifier = analyzer.component("narratives").classifier  # type: ignore[attr-defined]
    config = classifier.config
    if name == "no-language-onehot":
        original = component_module.embedding_features
        component_module.embedding_features = lambda vectors, _language: original(vectors, None)
    elif name == "same-training-prior":
        mean = sum(config.training_other_rate.values()) / len(config.training_other_rate)
        config.training_other_rate = dict.fromkeys(config.training_other_rate, mean)
    elif name == "embedding-only":
        config.lexical_weight = 0.0
    elif name == "lexical-only":
        config.lexical_weight = 1.0
    else:
        raise SystemExit(f"unknown ablation {name!r}; choose from {', '.join(ABLATIONS)}")


def predict(
    statements: Sequence[Statement], profile: str, ablations: Sequence[str] = ()
) -> dict[str, Prediction]:
    analyzer = Analyzer(profile)
    for name in ablations:
        ablate(analyzer, name)
    articles = [to_article(s) for s in statements]
    return {analysis.id: prediction_of(analysis) for analysis in analyzer.analyze_many(articles)}


# -- scoring -----------------------------------------------------------------------------------------


def _share(hits: Iterable[bool]) -> float | None:
    values = list(hits)
    return sum(values) / len(values) if values else None


def _domains(labels: Iterable[str], taxonomy: Taxonomy) -> set[str]:
    return {d for d in (taxonomy.domain_of(label) for label in labels) if d}


def score_subset(
    statements: Sequence[Statement], predictions: dict[str, Prediction], taxonomy: Taxonomy
) -> dict[str, Any]:
    """Domain hit, best guess in gold, coarse/fine samples-F1 and control FP rate for some statements."""
    coarse_set = set(taxonomy.narrative_labels()) | {OTHER}
    fine_set = set(taxonomy.subnarrative_labels()) | {OTHER}
    bearing = [s for s in statements if not s.is_control]
    controls = [s for s in statements if s.is_control]
    return {
        "n": len(statements),
        "n_narrative": len(bearing),
        "n_control": len(controls),
        "domain_hit": _share(
            bool(_domains(s.narratives, taxonomy) & _domains(predictions[s.id].narratives, taxonomy))
            for s in bearing
        ),
        "domain_hit_by_domain": {
            domain: _share(
                domain in _domains(predictions[s.id].narratives, taxonomy)
                for s in bearing
                if domain in _domains(s.narratives, taxonomy)
            )
            for domain in sorted({d for s in bearing for d in _domains(s.narratives, taxonomy)})
        },
        "best_guess_in_gold": _share(predictions[s.id].best_guess in s.narratives for s in bearing),
        "coarse_f1": samples_f1(
            [set(s.narratives) for s in statements],
            [set(predictions[s.id].narratives) for s in statements],
            coarse_set,
        )
        if statements
        else None,
        "fine_f1": samples_f1(
            [set(s.subnarratives) for s in statements],
            [set(predictions[s.id].subnarratives) for s in statements],
            fine_set,
        )
        if statements
        else None,
        "control_fp": _share(predictions[s.id].narratives != (OTHER,) for s in controls),
    }


def agreement(
    statements: Sequence[Statement], predictions: dict[str, Prediction], controls: bool = False
) -> dict[str, Any]:
    """Best-guess agreement between English and each language, and among all five, over groups that
    have the languages compared (narrative-bearing groups, or the controls with ``controls=True``)."""
    groups: dict[str, dict[str, str]] = {}
    for s in statements:
        if s.is_control == controls:
            groups.setdefault(s.group, {})[s.language] = predictions[s.id].best_guess
    pairs: dict[str, dict[str, Any]] = {}
    for language in LANGUAGES:
        if language == PIVOT:
            continue
        both = [g for g in groups.values() if PIVOT in g and language in g]
        pairs[f"{PIVOT}-{language}"] = {
            "groups": len(both),
            "agree": _share(g[PIVOT] == g[language] for g in both),
        }
    complete = [g for g in groups.values() if all(lang in g for lang in LANGUAGES)]
    return {
        "pairs": pairs,
        "all_five": {"groups": len(complete), "agree": _share(len(set(g.values())) == 1 for g in complete)},
    }


def build_report(
    statements: Sequence[Statement], predictions: dict[str, Prediction], taxonomy: Taxonomy, profile: str
) -> dict[str, Any]:
    missing = [s.id for s in statements if s.id not in predictions]
    if missing:
        raise ValueError(f"no prediction for {len(missing)} statement(s), e.g. {missing[0]}")
    languages = [lang for lang in LANGUAGES if any(s.language == lang for s in statements)]
    kinds = [kind for kind in KINDS if any(s.kind == kind for s in statements)]
    return {
        "data": {"statements": len(statements), "groups": len({s.group for s in statements})},
        "profile": profile,
        "narrascope_version": __version__,
        "overall": score_subset(statements, predictions, taxonomy),
        "by_language": {
            lang: score_subset([s for s in statements if s.language == lang], predictions, taxonomy)
            for lang in languages
        },
        "by_kind": {
            kind: score_subset([s for s in statements if s.kind == kind], predictions, taxonomy)
            for kind in kinds
        },
        "agreement": agreement(statements, predictions),
        "agreement_controls": agreement(statements, predictions, controls=True),
        "statements": [{**asdict(s), "predicted": asdict(predictions[s.id])} for s in statements],
    }


# -- output ------------------------------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _f1(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def to_markdown(report: dict[str, Any]) -> str:
    pairs = report["agreement"]["pairs"]
    domains = sorted({d for row in report["by_language"].values() for d in row["domain_hit_by_domain"]})
    head = (
        "| | statements (narrative / control) | domain hit | "
        + "".join(f"{d} hit | " for d in domains)
        + "best guess in gold | agrees with en | coarse F1 | fine F1 | control FP |"
    )
    rule = "|---|---|---|" + "---|" * len(domains) + "---|---|---|---|---|"

    def row(name: str, r: dict[str, Any], agree: str) -> str:
        by_domain = "".join(f"{_pct(r['domain_hit_by_domain'].get(d))} | " for d in domains)
        return (
            f"| {name} | {r['n']} ({r['n_narrative']} / {r['n_control']}) | {_pct(r['domain_hit'])} | "
            f"{by_domain}{_pct(r['best_guess_in_gold'])} | {agree} | {_f1(r['coarse_f1'])} | "
            f"{_f1(r['fine_f1'])} | {_pct(r['control_fp'])} |"
        )

    lines = [
        f"Parallel check set: {report['data']['statements']} statements in {report['data']['groups']} groups; "
        f"profile `{report['profile']}`, narrascope {report['narrascope_version']}.",
        "",
        "By language (agreement: share of narrative-bearing groups whose best guess equals the English one):",
        "",
        head,
        rule,
    ]
    for lang, r in report["by_language"].items():
        pair = pairs.get(f"{PIVOT}-{lang}")
        agree = "—" if pair is None else f"{_pct(pair['agree'])} of {pair['groups']}"
        lines.append(row(lang, r, agree))
    five = report["agreement"]["all_five"]
    lines.append(row("**all**", report["overall"], f"all five: {_pct(five['agree'])} of {five['groups']}"))
    lines += ["", "By kind of text:", "", head, rule]
    for kind, r in report["by_kind"].items():
        lines.append(row(kind, r, "—"))
    controls = report["agreement_controls"]["all_five"]
    lines += [
        "",
        f"Best guess identical in all five languages on the controls: {_pct(controls['agree'])} "
        f"of {controls['groups']} groups.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Cross-language agreement on the parallel check set.")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--profile", default="default", help="analysis profile (default: default)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--ablate",
        action="append",
        default=[],
        choices=sorted(ABLATIONS),
        help="diagnostic: switch off a language-specific part of the loaded model (repeatable)",
    )
    args = parser.parse_args(argv)
    statements = load_statements(args.data)
    predictions = predict(statements, args.profile, args.ablate)
    report = build_report(statements, predictions, default_taxonomy(), args.profile)
    report["ablations"] = list(args.ablate)
    if args.json:
        json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(to_markdown(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
