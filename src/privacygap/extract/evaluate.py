"""Measure the statement stage against a gold file (corpus format, see shared/corpus/README.md).

Scoring follows the corpus rules: a predicted key matches a gold key when it is the same
key or a more specific one (:func:`privacygap.taxonomy.matches_gold`); a coarser
prediction does not match. Precision counts predicted keys that match some gold key,
recall gold keys that some prediction matches. Elements are scored as accuracy per key.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from privacygap.extract.statement import analyse_statement, detect_format
from privacygap.models import ELEMENT_KEYS
from privacygap.taxonomy import matches_gold

STATEMENT_SUFFIXES = (".md", ".markdown", ".mdx", ".astro", ".html", ".htm", ".txt")


def find_document(corpus_dir: Path, doc_id: str) -> Path | None:
    """The statement file of ``doc_id`` in ``corpus_dir`` (any supported suffix)."""
    for suffix in STATEMENT_SUFFIXES:
        candidate = corpus_dir / f"{doc_id}{suffix}"
        if candidate.is_file():
            return candidate
    return None


def score_keys(predicted: set[str], gold: set[str]) -> tuple[int, int, int, int]:
    """(true-positive predictions, predictions, matched gold keys, gold keys) for one document."""
    tp_pred = sum(1 for p in predicted if any(matches_gold(p, g) for g in gold))
    tp_gold = sum(1 for g in gold if any(matches_gold(p, g) for p in predicted))
    return tp_pred, len(predicted), tp_gold, len(gold)


def _prf(tp_pred: int, n_pred: int, tp_gold: int, n_gold: int) -> dict[str, float]:
    precision = tp_pred / n_pred if n_pred else 1.0
    recall = tp_gold / n_gold if n_gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "predicted": n_pred, "gold": n_gold, "tp_predicted": tp_pred, "tp_gold": tp_gold}


def _fmt_for(path: Path) -> str:
    fmt = detect_format(path.name, "")
    return "astro" if path.suffix == ".astro" else fmt


def evaluate_statements(corpus_dir: str | Path, gold_path: str | Path) -> dict[str, Any]:
    """Run the statement stage over every gold document and score it.

    Returns a dict with ``micro`` (declared P/R/F1), ``negated`` (micro P/R/F1),
    ``per_category`` (P/R/F1 by gold or predicted key), ``elements`` (accuracy by key and
    overall), ``documents`` (per-document figures, worst first), ``unlabelled`` (documents
    of the corpus without gold, with what was found) and ``speed`` (statements/second and
    seconds per stage, in CPU time of this process so a busy machine does not skew it).

    Raises:
        FileNotFoundError: when ``corpus_dir`` or ``gold_path`` does not exist.
    """
    corpus = Path(corpus_dir)
    gold_file = Path(gold_path)
    if not corpus.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {corpus}")
    gold_docs = json.loads(gold_file.read_text(encoding="utf-8"))
    timings: dict[str, float] = {}
    totals = [0, 0, 0, 0]
    neg_totals = [0, 0, 0, 0]
    per_cat: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    element_hits: dict[str, list[int]] = {k: [0, 0] for k in ELEMENT_KEYS}
    element_errors: dict[str, list[str]] = defaultdict(list)
    documents: list[dict[str, Any]] = []
    elapsed = 0.0
    gold_ids = set()
    for doc in gold_docs:
        path = find_document(corpus, doc["id"])
        if path is None:
            continue
        gold_ids.add(doc["id"])
        raw = path.read_bytes()
        started = time.process_time()
        statement = analyse_statement(raw, fmt=_fmt_for(path), timings=timings)
        elapsed += time.process_time() - started
        predicted = statement.declared_keys()
        gold = {d["key"] for d in doc.get("declared", [])}
        scores = score_keys(predicted, gold)
        totals = [a + b for a, b in zip(totals, scores)]
        neg_scores = score_keys(statement.negated_keys(), {d["key"] for d in doc.get("negated", [])})
        neg_totals = [a + b for a, b in zip(neg_totals, neg_scores)]
        for key in gold:
            per_cat[key][3] += 1
            if any(matches_gold(p, key) for p in predicted):
                per_cat[key][2] += 1
        for key in predicted:
            per_cat[key][1] += 1
            if any(matches_gold(key, g) for g in gold):
                per_cat[key][0] += 1
        correct_elements = 0
        for key in ELEMENT_KEYS:
            if key not in doc.get("elements", {}):
                continue
            element_hits[key][1] += 1
            if bool(statement.elements.get(key)) == bool(doc["elements"][key]):
                element_hits[key][0] += 1
                correct_elements += 1
            else:
                element_errors[key].append(f"{doc['id']}:{'FN' if doc['elements'][key] else 'FP'}")
        false_positives = sorted(p for p in predicted if not any(matches_gold(p, g) for g in gold))
        missed = sorted(g for g in gold if not any(matches_gold(p, g) for p in predicted))
        documents.append({
            "id": doc["id"], "language": statement.language, **_prf(*scores),
            "false_positives": false_positives, "missed": missed,
            "negated_predicted": sorted(statement.negated_keys()),
            "negated_gold": sorted(d["key"] for d in doc.get("negated", [])),
            "element_accuracy": round(correct_elements / max(1, len(doc.get("elements", {}))), 4),
        })
    unlabelled = []
    for path in sorted(corpus.iterdir()):
        if path.suffix not in STATEMENT_SUFFIXES or path.stem in gold_ids:
            continue
        raw = path.read_bytes()
        started = time.process_time()
        statement = analyse_statement(raw, fmt=_fmt_for(path), timings=timings)
        elapsed += time.process_time() - started
        unlabelled.append({"id": path.stem, "language": statement.language,
                           "declared": sorted(statement.declared_keys()),
                           "negated": sorted(statement.negated_keys()),
                           "elements": [k for k, v in statement.elements.items() if v],
                           "vendors": list(statement.vendors)})
    count = len(documents) + len(unlabelled)
    element_total = sum(h[1] for h in element_hits.values())
    documents.sort(key=lambda d: (d["f1"], d["element_accuracy"]))
    return {
        "documents_scored": len(documents),
        "micro": _prf(*totals),
        "negated": _prf(*neg_totals),
        "per_category": {k: _prf(*v) for k, v in sorted(per_cat.items())},
        "elements": {
            "accuracy": round(sum(h[0] for h in element_hits.values()) / element_total, 4) if element_total else 1.0,
            "per_element": {k: round(h[0] / h[1], 4) if h[1] else 1.0 for k, h in element_hits.items()},
            "errors": dict(element_errors),
        },
        "documents": documents,
        "unlabelled": unlabelled,
        "speed": {
            "statements": count,
            "seconds": round(elapsed, 4),
            "statements_per_second": round(count / elapsed, 2) if elapsed else 0.0,
            "stage_seconds": {k: round(v, 4) for k, v in timings.items()},
        },
    }


def format_evaluation(result: dict[str, Any], *, worst: int = 5) -> str:
    """A plain-text report of :func:`evaluate_statements`' result."""
    lines = []
    micro = result["micro"]
    lines.append(f"Statement evaluation over {result['documents_scored']} gold documents")
    lines.append(f"declared categories (micro): P {micro['precision']:.3f}  R {micro['recall']:.3f}  F1 {micro['f1']:.3f}"
                 f"  ({micro['tp_predicted']}/{micro['predicted']} predicted, {micro['tp_gold']}/{micro['gold']} gold)")
    negated = result["negated"]
    lines.append(f"negated categories  (micro): P {negated['precision']:.3f}  R {negated['recall']:.3f}  F1 {negated['f1']:.3f}")
    lines.append(f"elements: accuracy {result['elements']['accuracy']:.3f}")
    lines.append("")
    lines.append(f"{'category':42} {'P':>6} {'R':>6} {'F1':>6} {'pred':>5} {'gold':>5}")
    for key, row in result["per_category"].items():
        lines.append(f"{key:42} {row['precision']:6.3f} {row['recall']:6.3f} {row['f1']:6.3f} {row['predicted']:5d} {row['gold']:5d}")
    lines.append("")
    lines.append(f"{'element':40} accuracy  errors")
    for key, accuracy in result["elements"]["per_element"].items():
        errors = ", ".join(result["elements"]["errors"].get(key, []))
        lines.append(f"{key:40} {accuracy:8.3f}  {errors}")
    lines.append("")
    lines.append("worst documents (by F1):")
    for doc in result["documents"][:worst]:
        lines.append(f"  {doc['id']:24} F1 {doc['f1']:.3f}  elements {doc['element_accuracy']:.3f}  "
                     f"false+ {doc['false_positives']}  missed {doc['missed']}")
    speed = result["speed"]
    stages = speed["stage_seconds"]
    total = sum(stages.values()) or 1.0
    shares = ", ".join(f"{k} {v / total:.0%}" for k, v in stages.items())
    lines.append("")
    lines.append(f"speed: {speed['statements_per_second']:.1f} statements/s over {speed['statements']} statements "
                 f"({speed['seconds']:.2f} s; {shares})")
    return "\n".join(lines)
