"""Note-level precision and recall of the note scanner on the hand-labelled gold notes.

    python tests/eval_notes.py [--split NAME] [-v]

Reads ``tests/inventory/notes_gold/notes_{de,en}.jsonl`` (written for this purpose, no real data).
Every line is ``{"id", "text", "categories", "kinds", "split"}``; ``split`` is ``dev`` (used to tune
the lexicons), ``test`` (never tuned on, but written together with dev), ``blind`` (written after
the scanner was frozen, scored once — its misses were tuned on in the 2026 vocabulary revision) or
``blind2`` (written before that revision without looking at the lexicons, scored once before and once
after it); every split found in the data is reported separately (``splits()``). For each kind and each
category a note counts as a true positive when both the gold labels and the scanner name it.

The baseline in the same run is a plain lower-case substring search for the same lexicon phrases
(and relation words after a possessive for third persons), without negation scope, person targets
or anchors — what the scanner would be without its context rules.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from privacygap import resources
from privacygap.inventory.notes import LEXICONS, scan_note_texts

GOLD = Path(__file__).parent / "inventory" / "notes_gold"
FLOORS = GOLD / "floors.json"


def load_gold(language: str | None = None) -> list[dict]:
    """Gold notes of one language (or both)."""
    rows = []
    for lang in ([language] if language else ["de", "en"]):
        with open(GOLD / f"notes_{lang}.jsonl", encoding="utf-8") as handle:
            rows += [dict(json.loads(line), language=lang) for line in handle if line.strip()]
    return rows


SPLIT_ORDER = ("dev", "test", "blind", "blind2")


def splits() -> list[str]:
    """The splits present in the gold files: the known ones in their usual order, then any others sorted."""
    present = {r.get("split", "dev") for r in load_gold()}
    return [s for s in SPLIT_ORDER if s in present] + sorted(present - set(SPLIT_ORDER))


def predict(rows: list[dict]) -> dict[str, tuple[set[str], set[str]]]:
    """id → (categories, kinds) the scanner reports."""
    out: dict[str, tuple[set[str], set[str]]] = {}
    for row in rows:
        hits, _ = scan_note_texts([(row["id"], row["text"])], salt="eval")
        out[row["id"]] = (set(hits[0].categories), set(hits[0].kinds)) if hits else (set(), set())
    return out


def _baseline_terms() -> tuple[list[tuple[str, str | None, str]], set[str], set[str]]:
    terms, relations, possessives = [], set(), set()
    for language in LEXICONS:
        document = resources.catalog_yaml("checks", f"taxonomy/note-terms/{language}.yaml")
        for entry in document["terms"]:
            for phrase in entry["phrases"]:
                needle = str(phrase).lower().replace("*", "").replace(" ~ ", " ")
                terms.append((needle, entry["category"], entry["kind"]))
                for extra in entry.get("also") or []:
                    terms.append((needle, extra["category"], extra["kind"]))
        relations |= {str(w).lower() for w in document["third_persons"]["relations"]}
        possessives |= {str(w).lower() for w in document["third_persons"]["possessives"]}
    return terms, relations, possessives


def predict_baseline(rows: list[dict]) -> dict[str, tuple[set[str], set[str]]]:
    """id → (categories, kinds) from plain substring matching of the lexicon."""
    terms, relations, possessives = _baseline_terms()
    out = {}
    for row in rows:
        text = row["text"].lower()
        categories, kinds = set(), set()
        for needle, category, kind in terms:
            if needle in text:
                kinds.add(kind)
                if category:
                    categories.add(category)
        words = text.replace(",", " ").replace(".", " ").split()
        if any(w in relations and i > 0 and words[i - 1] in possessives for i, w in enumerate(words)):
            kinds.add("third_person")
            categories.add("user.demographic.family")
        out[row["id"]] = (categories, kinds)
    return out


def scores(rows: list[dict], predicted: dict[str, tuple[set[str], set[str]]]) -> dict[str, dict[str, float]]:
    """Per label ("kind:x", "category:y", "any"): precision, recall, support, tp, fp, fn."""
    tp, fp, fn, support = Counter(), Counter(), Counter(), Counter()
    for row in rows:
        cats, kinds = predicted[row["id"]]
        gold = {f"kind:{k}" for k in row["kinds"]} | {f"category:{c}" for c in row["categories"]}
        got = {f"kind:{k}" for k in kinds} | {f"category:{c}" for c in cats}
        if row["kinds"]:
            gold.add("any")
        if kinds:
            got.add("any")
        for label in gold:
            support[label] += 1
        for label in gold & got:
            tp[label] += 1
        for label in got - gold:
            fp[label] += 1
        for label in gold - got:
            fn[label] += 1
    result = {}
    for label in sorted(set(tp) | set(fp) | set(fn) | set(support)):
        p = tp[label] / (tp[label] + fp[label]) if tp[label] + fp[label] else 1.0
        r = tp[label] / (tp[label] + fn[label]) if tp[label] + fn[label] else 1.0
        result[label] = {"precision": round(p, 3), "recall": round(r, 3), "support": support[label],
                         "tp": tp[label], "fp": fp[label], "fn": fn[label]}
    return result


def evaluate(split: str, *, baseline: bool = False) -> dict[str, dict[str, float]]:
    """Scores over both languages for one split ("dev", "test", "blind", "blind2", … — see ``splits()``)."""
    rows = [r for r in load_gold() if r.get("split", "dev") == split]
    return scores(rows, predict_baseline(rows) if baseline else predict(rows))


def _table(title: str, result: dict, base: dict) -> str:
    lines = [title, f"  {'label':48} {'P':>6} {'R':>6} {'n':>4}   {'base P':>6} {'base R':>6}"]
    for label in sorted(result, key=lambda k: (not k.startswith("any"), not k.startswith("kind"), k)):
        r, b = result[label], base.get(label, {"precision": 1.0, "recall": 0.0})
        lines.append(f"  {label:48} {r['precision']:6.2f} {r['recall']:6.2f} {r['support']:4}   "
                     f"{b['precision']:6.2f} {b['recall']:6.2f}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """Print the tables for every split, and with ``-v`` the notes the scanner gets wrong on dev.

    ``--split NAME`` limits the tables (and ``-v``) to one split.
    """
    chosen = splits()
    if "--split" in argv:
        chosen = [argv[argv.index("--split") + 1]]
    for split in chosen:
        rows = [r for r in load_gold() if r.get("split", "dev") == split]
        n_de = sum(1 for r in rows if r["language"] == "de")
        print(_table(f"{split} split ({len(rows)} notes: {n_de} de, {len(rows) - n_de} en)",
                     evaluate(split), evaluate(split, baseline=True)))
        print()
    if "-v" in argv:
        shown = chosen[0] if "--split" in argv else "dev"
        rows = [r for r in load_gold() if r.get("split", "dev") == shown]
        predicted = predict(rows)
        for row in rows:
            cats, kinds = predicted[row["id"]]
            if cats != set(row["categories"]) or kinds != set(row["kinds"]):
                print(row["id"], row["text"])
                print("   gold", sorted(row["categories"]), sorted(row["kinds"]))
                print("   got ", sorted(cats), sorted(kinds))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
