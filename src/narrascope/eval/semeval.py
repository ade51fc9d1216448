"""SemEval 2025 Task 10 subtask 2 (narratives): data folders, file formats, metric."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from narrascope.languages import SUPPORTED, folder_name
from narrascope.taxonomy import OTHER

LANGUAGES = tuple(folder_name(code) for code in SUPPORTED)
"""Language folders of the shared-task data (``BG``, ``EN``, …)."""


@dataclass(frozen=True)
class LabelledDoc:
    """A training article with its gold narrative labels."""

    id: str
    language: str
    text: str
    narratives: frozenset[str]
    subnarratives: frozenset[str]

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass
class LabelLine:
    id: str
    narratives: list[str] = field(default_factory=list)
    subnarratives: list[str] = field(default_factory=list)


def parse_label_line(line: str) -> LabelLine | None:
    """Parse ``id<TAB>narr;…<TAB>sub;…``; returns None for blank lines."""
    line = line.rstrip("\r\n")
    if not line.strip():
        return None
    parts = line.split("\t")
    if len(parts) < 2:
        raise ValueError(f"expected id<TAB>narratives<TAB>subnarratives, got {line[:80]!r}")
    narratives = _split_labels(parts[1])
    subnarratives = _split_labels(parts[2]) if len(parts) > 2 else []
    return LabelLine(parts[0].strip(), narratives, subnarratives)


def _split_labels(column: str) -> list[str]:
    return [label.strip() for label in column.split(";") if label.strip()]


def read_label_file(path: Path) -> dict[str, LabelLine]:
    """Read a subtask-2 gold or prediction file (CRLF tolerated)."""
    out: dict[str, LabelLine] = {}
    for lineno, raw in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        try:
            parsed = parse_label_line(raw)
        except ValueError as err:
            raise ValueError(f"{path}:{lineno}: {err}") from None
        if parsed is not None:
            out[parsed.id] = parsed
    return out


def format_label_line(doc_id: str, narratives: Sequence[str], subnarratives: Sequence[str]) -> str:
    return f"{doc_id}\t{';'.join(narratives)}\t{';'.join(subnarratives)}"


def read_training_folder(root: Path, languages: Iterable[str] = LANGUAGES) -> list[LabelledDoc]:
    """Load ``root/<LANG>/raw-documents`` with ``subtask-2-annotations.txt``.

    Documents without an annotation line are unlabelled for this subtask and skipped;
    so are language folders without an annotation file (a corpus may cover fewer languages).
    """
    docs: list[LabelledDoc] = []
    for lang in languages:
        folder = root / lang
        if not (folder / "subtask-2-annotations.txt").is_file():
            continue
        labels = read_label_file(folder / "subtask-2-annotations.txt")
        for doc_id in sorted(labels):
            path = folder / "raw-documents" / doc_id
            if not path.exists():
                continue
            text = read_exact(path)
            line = labels[doc_id]
            docs.append(
                LabelledDoc(doc_id, lang, text, frozenset(line.narratives), frozenset(line.subnarratives))
            )
    return docs


@dataclass(frozen=True)
class NarrativeDescription:
    """One example statement of the taxonomy, with its narrative and sub-narrative labels."""

    narrative: str
    subnarrative: str
    text: str


_DESCRIPTION_DOMAINS = {"War_in_Ukraine": "URW", "ClimateChange": "CC"}


def read_narrative_descriptions(folder: Path) -> list[NarrativeDescription]:
    """The example statements of ``folder/Narrative_Description_<domain>-sentences.tsv``
    (columns ``Narrative  Subnarrative  Description``), as full label strings."""
    out: list[NarrativeDescription] = []
    for path in sorted(folder.glob("Narrative_Description_*-sentences.tsv")):
        name = path.name[len("Narrative_Description_") : -len("-sentences.tsv")]
        domain = _DESCRIPTION_DOMAINS.get(name)
        if domain is None:
            continue
        lines = read_exact(path).replace("\r\n", "\n").split("\n")
        for line in lines[1:]:
            parts = [p.strip() for p in line.split("\t")]
            if len(parts) >= 3 and all(parts[:3]):
                narrative = f"{domain}: {parts[0]}"
                out.append(NarrativeDescription(narrative, f"{narrative}: {parts[1]}", parts[2]))
    return out


def read_exact(path: Path) -> str:
    """A training file's exact text: UTF-8, line endings and BOM kept (the offsets count them)."""
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def read_raw_documents(root: Path) -> dict[str, str]:
    """Every article of ``root/<LANG>/raw-documents/`` (annotated or not), keyed by path."""
    return {str(path): read_exact(path) for path in sorted(root.glob("*/raw-documents/*.txt"))}


def read_unlabelled(root: Path | None) -> list[str]:
    """The texts of every ``.txt`` file under ``root`` (e.g. the unlabelled articles), sorted by path."""
    if root is None:
        return []
    return [read_exact(path) for path in sorted(root.rglob("*.txt"))]


def samples_f1(gold: Sequence[set[str]], pred: Sequence[set[str]], label_set: set[str]) -> float:
    """Mean over articles of per-article F1 (sklearn ``average="samples"``).

    Labels outside ``label_set`` are ignored on both sides; an article whose gold
    and predicted sets are both empty after that scores 0, as sklearn does.
    """
    if len(gold) != len(pred):
        raise ValueError("gold and predictions differ in length")
    if not gold:
        return 0.0
    total = 0.0
    for g, p in zip(gold, pred, strict=True):
        g_in, p_in = g & label_set, p & label_set
        denom = len(g_in) + len(p_in)
        total += 2 * len(g_in & p_in) / denom if denom else 0.0
    return total / len(gold)


@dataclass(frozen=True)
class NarrativeScores:
    coarse: float
    fine: float
    n: int


def score_narratives(
    gold: Mapping[str, LabelLine],
    pred: Mapping[str, LabelLine],
    narrative_labels: Iterable[str],
    subnarrative_labels: Iterable[str],
    ids: Iterable[str] | None = None,
) -> NarrativeScores:
    """Coarse and fine samples-F1 over ``ids`` (default: every gold id).

    A gold article without a prediction counts as an empty prediction (F1 0).
    """
    coarse_set = set(narrative_labels) | {OTHER}
    fine_set = set(subnarrative_labels) | {OTHER}
    chosen = list(gold) if ids is None else [i for i in ids if i in gold]
    empty = LabelLine("")
    g_c = [set(gold[i].narratives) for i in chosen]
    p_c = [set(pred.get(i, empty).narratives) for i in chosen]
    g_f = [set(gold[i].subnarratives) for i in chosen]
    p_f = [set(pred.get(i, empty).subnarratives) for i in chosen]
    return NarrativeScores(samples_f1(g_c, p_c, coarse_set), samples_f1(g_f, p_f, fine_set), len(chosen))
