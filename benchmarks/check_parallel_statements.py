"""Validate the parallel check set of short statements (benchmarks/data/parallel_statements.jsonl).

Standard library only; reads the taxonomy JSON files directly (no narrascope import), so it runs
without installing the package:

    python benchmarks/check_parallel_statements.py [PATH] [--taxonomy-dir DIR] [--quiet]

Checks: every line is a JSON object with exactly the expected fields; group ids are ``gNNN``; every
group has each of the five languages exactly once, and kind, narratives and subnarratives are the
same in all five; every label is a label of the taxonomy (``"Other"`` only on its own, for both
levels); every subnarrative's parent is in the narratives list and every narrative has at least one
subnarrative; the text's script fits its language (Latin for en/pt, Cyrillic for ru/bg, Devanagari
for hi, plus a few letter tests that tell Bulgarian from Russian and Portuguese from English); no
text occurs twice; English lengths fit the kind (headline/post 8-20 words without hashtags,
statement 2-3 sentences, paragraph 60-120 words). Prints counts per language, kind, domain and
label, and exits 1 when any check fails.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO / "benchmarks" / "data" / "parallel_statements.jsonl"
DEFAULT_TAXONOMY = REPO / "src" / "narrascope" / "taxonomy" / "data"

LANGUAGES = ("en", "ru", "bg", "pt", "hi")
KINDS = ("headline", "post", "statement", "paragraph")
FIELDS = {"group", "language", "kind", "text", "narratives", "subnarratives"}
OTHER = "Other"
SCRIPT = {"en": "LATIN", "pt": "LATIN", "ru": "CYRILLIC", "bg": "CYRILLIC", "hi": "DEVANAGARI"}
MIN_SCRIPT_SHARE = 0.75  # hashtags, "CO2", "NATO" in Latin letters are allowed in the other scripts
PT_MARKS = set("ãõçáéíóúâêôàÃÕÇÁÉÍÓÚÂÊÔÀ")
NOT_BULGARIAN = set("ыэёЫЭЁ")  # Russian letters absent from Bulgarian
NOT_RUSSIAN = set("ѝЍ")  # Bulgarian-only letter
# In Russian the hard sign only stands before е, ё, ю, я; in Bulgarian it is a vowel (път, България).
BULGARIAN_HARD_SIGN = re.compile(r"ъ[^еёюяЕЁЮЯ\W]", re.IGNORECASE)
GROUP_ID = re.compile(r"^g\d{3}$")
HASHTAG = re.compile(r"#\w+")
SENTENCE_END = re.compile(r"[.!?…](?=\s|$)")


def load_taxonomy(directory: Path) -> tuple[set[str], dict[str, str]]:
    """Return (narrative labels, subnarrative label -> parent narrative label) from ``*.json``."""
    narratives: set[str] = set()
    parents: dict[str, str] = {}
    for path in sorted(directory.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        code = data["domain"]
        for narrative in data["narratives"]:
            label = f"{code}: {narrative['name']}"
            narratives.add(label)
            for sub in narrative.get("subnarratives", []):
                parents[f"{label}: {sub['name']}"] = label
    if not narratives:
        raise SystemExit(f"no taxonomy files in {directory}")
    return narratives, parents


def script_share(text: str, script: str) -> float:
    letters = [c for c in text if c.isalpha() or unicodedata.category(c) in ("Mn", "Mc")]
    if not letters:
        return 0.0
    return sum(unicodedata.name(c, "").startswith(script) for c in letters) / len(letters)


def english_words(text: str) -> int:
    return len([w for w in HASHTAG.sub(" ", text).split() if any(c.isalnum() for c in w)])


def english_sentences(text: str) -> int:
    """Sentence-final marks followed by a space or the end, plus one for an unpunctuated tail."""
    body = text.strip()
    return len(SENTENCE_END.findall(body)) + (0 if body[-1:] in ".!?…" else 1)


def check_text(record: dict, where: str) -> list[str]:
    errors: list[str] = []
    lang, text, kind = record["language"], record["text"], record["kind"]
    if not text.strip() or text != text.strip():
        errors.append(f"{where}: empty text or leading/trailing whitespace")
    share = script_share(text, SCRIPT[lang])
    if share < MIN_SCRIPT_SHARE:
        errors.append(f"{where}: only {share:.0%} of letters are {SCRIPT[lang]} (language {lang})")
    chars = set(text)
    if lang == "bg" and chars & NOT_BULGARIAN:
        errors.append(f"{where}: Russian-only letters {sorted(chars & NOT_BULGARIAN)} in a Bulgarian text")
    if lang == "ru" and (chars & NOT_RUSSIAN or BULGARIAN_HARD_SIGN.search(text)):
        errors.append(f"{where}: Bulgarian spelling (ѝ, or ъ used as a vowel) in a Russian text")
    if lang == "pt" and not chars & PT_MARKS:
        errors.append(f"{where}: no Portuguese diacritic at all; is this Portuguese?")
    if lang == "en" and chars & PT_MARKS:
        errors.append(f"{where}: Portuguese diacritics {sorted(chars & PT_MARKS)} in an English text")
    if lang == "en":
        words, sentences = english_words(text), english_sentences(text)
        if kind in ("headline", "post") and not 8 <= words <= 20:
            errors.append(f"{where}: {kind} has {words} words (8-20 expected)")
        if kind == "headline" and sentences != 1:
            errors.append(f"{where}: headline has {sentences} sentences (1 expected)")
        if kind == "statement" and not 2 <= sentences <= 3:
            errors.append(f"{where}: statement has {sentences} sentences (2-3 expected)")
        if kind == "paragraph" and not 60 <= words <= 120:
            errors.append(f"{where}: paragraph has {words} words (60-120 expected)")
    return errors


def check_labels(record: dict, where: str, narratives: set[str], parents: dict[str, str]) -> list[str]:
    errors: list[str] = []
    nars, subs = record["narratives"], record["subnarratives"]
    if not isinstance(nars, list) or not isinstance(subs, list) or not nars or not subs:
        return [f"{where}: narratives and subnarratives must be non-empty lists"]
    if len(set(nars)) != len(nars) or len(set(subs)) != len(subs):
        errors.append(f"{where}: a label is repeated")
    if OTHER in nars or OTHER in subs:
        if nars != [OTHER] or subs != [OTHER]:
            errors.append(f"{where}: 'Other' must stand alone at both levels (got {nars} / {subs})")
        return errors
    for label in nars:
        if label not in narratives:
            errors.append(f"{where}: unknown narrative {label!r}")
    for label in subs:
        if label not in parents:
            errors.append(f"{where}: unknown subnarrative {label!r}")
        elif parents[label] not in nars:
            errors.append(f"{where}: parent {parents[label]!r} of {label!r} is not in the narratives list")
    for label in nars:
        if label in narratives and not any(parents.get(s) == label for s in subs):
            errors.append(f"{where}: narrative {label!r} has no subnarrative (use '{label}: Other')")
    return errors


def validate(path: Path, taxonomy_dir: Path) -> tuple[list[str], list[dict]]:
    narratives, parents = load_taxonomy(taxonomy_dir)
    errors: list[str] = []
    records: list[dict] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        where = f"line {number}"
        if not line.strip():
            errors.append(f"{where}: blank line")
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"{where}: not JSON ({exc})")
            continue
        if not isinstance(record, dict) or set(record) != FIELDS:
            errors.append(f"{where}: fields must be exactly {sorted(FIELDS)}")
            continue
        where = f"line {number} ({record['group']}/{record['language']})"
        if not isinstance(record["group"], str) or not GROUP_ID.match(record["group"]):
            errors.append(f"{where}: group id must look like g001")
        if record["language"] not in LANGUAGES:
            errors.append(f"{where}: language must be one of {LANGUAGES}")
            continue
        if record["kind"] not in KINDS:
            errors.append(f"{where}: kind must be one of {KINDS}")
            continue
        if not isinstance(record["text"], str):
            errors.append(f"{where}: text must be a string")
            continue
        errors += check_text(record, where)
        errors += check_labels(record, where, narratives, parents)
        records.append(record)

    by_group: dict[str, list[dict]] = defaultdict(list)
    for record in records:
        by_group[record["group"]].append(record)
    for group, members in sorted(by_group.items()):
        langs = Counter(r["language"] for r in members)
        if sorted(langs) != sorted(LANGUAGES) or any(n != 1 for n in langs.values()):
            errors.append(f"{group}: languages {dict(langs)}; expected each of {LANGUAGES} exactly once")
        for key in ("kind", "narratives", "subnarratives"):
            if len({json.dumps(sorted(r[key]) if isinstance(r[key], list) else r[key]) for r in members}) > 1:
                errors.append(f"{group}: {key} differ between languages")
    seen: dict[str, str] = {}
    for record in records:
        key = " ".join(record["text"].split()).casefold()
        here = f"{record['group']}/{record['language']}"
        if key in seen:
            errors.append(f"{here}: same text as {seen[key]}")
        seen.setdefault(key, here)
    return errors, records


def summary(records: list[dict]) -> str:
    groups: dict[str, dict] = {}
    for record in records:
        groups.setdefault(record["group"], record)
    lines = [f"{len(records)} statements in {len(groups)} groups"]
    lines.append(
        "per language: "
        + ", ".join(f"{k} {v}" for k, v in sorted(Counter(r["language"] for r in records).items()))
    )
    lines.append(
        "groups per kind: "
        + ", ".join(f"{k} {v}" for k, v in sorted(Counter(g["kind"] for g in groups.values()).items()))
    )
    domains = Counter(
        "control"
        if g["narratives"] == [OTHER]
        else "+".join(sorted({n.split(":")[0] for n in g["narratives"]}))
        for g in groups.values()
    )
    lines.append("groups per domain: " + ", ".join(f"{k} {v}" for k, v in sorted(domains.items())))
    multi = sum(len(g["narratives"]) > 1 for g in groups.values())
    lines.append(f"groups with more than one narrative: {multi}")
    lines.append("groups per narrative:")
    for label, n in sorted(Counter(n for g in groups.values() for n in g["narratives"]).items()):
        lines.append(f"  {n:3d}  {label}")
    lines.append("groups per subnarrative:")
    for label, n in sorted(Counter(s for g in groups.values() for s in g["subnarratives"]).items()):
        lines.append(f"  {n:3d}  {label}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--taxonomy-dir", type=Path, default=DEFAULT_TAXONOMY)
    parser.add_argument("--quiet", action="store_true", help="print only errors and the verdict")
    args = parser.parse_args(argv)
    errors, records = validate(args.path, args.taxonomy_dir)
    if not args.quiet:
        print(summary(records))
    for error in errors:
        print(f"ERROR {error}", file=sys.stderr)
    print(f"{args.path.name}: {'FAILED, ' + str(len(errors)) + ' problem(s)' if errors else 'OK'}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
