"""Score the field classifier against labelled CRM inventories (the corpus's fields-gold-dev.tsv).

Used by ``privacygap eval inventory`` and ``tests/eval_inventory.py``.

Personal-data fields are those whose gold is a taxonomy key (not ``NONE``/``SYSTEM``).
A prediction is correct when it matches the gold key or one of the acceptable
alternatives (``matches_gold``: same key or a more specific one); a non-personal
prediction (None, ``system.*``, ``user.unique_id``) is correct where ``NONE`` or ``SYSTEM``
is gold or an alternative.

* precision = correct personal predictions / personal predictions (on gold-labelled fields)
* recall    = gold-personal fields predicted correctly / gold-personal fields
* hard-category recall: family, marital status, economic situation, notes, communications,
  call recordings and Art. 9 categories.

The same script computes a piicatcher-style baseline (first-match column-name regexes,
mapped to our keys) for comparison. Files in no real export format (Twenty's TypeScript
decorators, odoo-sharp C#) are skipped and listed. Exits 0 with a message when the corpus
is absent.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from pathlib import Path

from privacygap import taxonomy
from privacygap.errors import InputFileError
from privacygap.inventory.load import read_source
from privacygap.inventory.classify import classify_fields

HARD = ("user.demographic.family", "user.demographic.marital_status", "user.financial.economic_situation",
        "user.content.notes", "user.content.communications", "user.content.call_recording")
NON_PERSONAL = ("NONE", "SYSTEM")

# piicatcher's ColumnNameRegexDetector (Apache-2.0), first match wins, mapped to our keys.
PIICATCHER = [
    (r"^.*(firstname|fname|lastname|lname|fullname|maidenname|_name|nickname|name_suffix|name|person).*$", "user.name"),
    (r"^.*(email|e-mail|mail).*$", "user.contact.email"),
    (r"^.*(date_of_birth|dateofbirth|dob|birthday|date_of_death|dateofdeath|birthdate).*$", "user.demographic.date_of_birth"),
    (r"^.*(gender).*$", "user.demographic.gender"),
    (r"^.*(nationality).*$", "user.demographic"),
    (r"^.*(address|city|state|county|country|zone|borough).*$", "user.contact.address"),
    (r"^.*(zipcode|zip_code|postal|postal_code|zip).*$", "user.contact.address"),
    (r"^.*user(id|name|).*$", "user.account"),
    (r"^.*pass.*$", "user.account"),
    (r"^.*(ssn|social_number|social_security|social_security_number|social_security_no).*$", "user.government_id"),
    (r"^.*(po_box|pobox).*$", "user.contact.address"),
    (r"^.*(credit_card|cc_number|cc_num|creditcard|credit_card_num|creditcardnumber).*$", "user.financial.credit_card"),
    (r"^.*(phone|phone_number|phone_no|phone_num|telephone|telephone_num|telephone_no).*$", "user.contact.phone_number"),
]
PIICATCHER_RE = [(re.compile(p, re.I), c) for p, c in PIICATCHER]


def baseline(name: str) -> str | None:
    """piicatcher-style prediction from the column name alone."""
    for pattern, category in PIICATCHER_RE:
        if pattern.match(name):
            return category
    return None


def _acceptable(gold: str, alternatives: list[str]) -> list[str]:
    return [gold] + [a for a in alternatives if a]


def _is_personal(prediction: str | None) -> bool:
    return bool(prediction) and taxonomy.is_reported(prediction)


def _correct(prediction: str | None, accepted: list[str]) -> bool:
    if not _is_personal(prediction):
        return any(a in NON_PERSONAL for a in accepted)
    return any(a not in NON_PERSONAL and taxonomy.matches_gold(prediction, a) for a in accepted)


def score(rows: list[dict], predict, *, strict: bool = False) -> dict:
    """Micro precision/recall and hard-category recall of ``predict(row) -> key|None``.

    ``strict``: only the gold key counts, not the acceptable alternatives.
    """
    predicted_personal = correct_predicted = gold_personal = correct_gold = 0
    hard_total = hard_hit = 0
    misses: list[tuple] = []
    for row in rows:
        accepted = [row["gold"]] if strict else _acceptable(row["gold"], row["alternatives"])
        prediction = predict(row)
        ok = _correct(prediction, accepted)
        if _is_personal(prediction):
            predicted_personal += 1
            correct_predicted += ok
        if row["gold"] not in NON_PERSONAL:
            gold_personal += 1
            correct_gold += ok
            if row["gold"] in HARD or taxonomy.is_special(row["gold"]):
                hard_total += 1
                hard_hit += ok
        if not ok:
            misses.append((row["file_id"], row["object"], row["field_name"], row["gold"], ",".join(row["alternatives"]),
                           prediction))
    precision = correct_predicted / predicted_personal if predicted_personal else 0.0
    recall = correct_gold / gold_personal if gold_personal else 0.0
    return {"precision": precision, "recall": recall, "hard_recall": hard_hit / hard_total if hard_total else 0.0,
            "hard_total": hard_total, "gold_personal": gold_personal, "predicted_personal": predicted_personal,
            "misses": misses}



def _load_rows(corpus: Path, gold_path: Path) -> tuple[dict[str, dict], list[dict]]:
    with open(corpus / "INDEX.tsv", encoding="utf-8") as handle:
        index = {row["id"]: row for row in csv.DictReader(handle, delimiter="\t")}
    with open(gold_path, encoding="utf-8") as handle:
        gold_rows = [dict(r, alternatives=[a.strip() for a in (r.get("alternatives") or "").split(",") if a.strip()])
                     for r in csv.DictReader(handle, delimiter="\t")]
    return index, gold_rows


def evaluate_inventories(corpus: Path, gold_path: Path) -> dict:
    """Classify every gold-labelled file of ``corpus`` and score ours against the baseline.

    Returns a dict with ``ours``, ``baseline``, ``ours_strict``, ``baseline_strict`` (each
    from :func:`score`), ``evaluated``, ``gold_rows``, ``skipped`` and ``unreadable``.
    """
    index, gold_rows = _load_rows(corpus, gold_path)
    by_file: dict[str, list[dict]] = defaultdict(list)
    for row in gold_rows:
        by_file[row["file_id"]].append(row)
    predictions: dict[tuple[str, str, str], str | None] = {}
    evaluated: list[dict] = []
    skipped: list[str] = []
    for file_id, rows in sorted(by_file.items()):
        path = corpus / index[file_id]["file"]
        try:
            sources = read_source(str(path))
        except InputFileError as exc:
            skipped.append(f"{file_id} ({index[file_id]['format']}: {exc.problem})")
            continue
        fields = [f for source, raw in sources for f in classify_fields(raw, source.crm or None)]
        by_name: dict[str, list] = defaultdict(list)
        for field in fields:
            by_name[field.name].append(field)
        for row in rows:
            candidates = by_name.get(row["field_name"], [])
            exact = [f for f in candidates if f.object.lower() == row["object"].lower()]
            chosen = (exact or candidates or [None])[0]
            if chosen is None:
                skipped.append(f"{file_id}:{row['field_name']} (field not read)")
                continue
            predictions[(file_id, row["object"], row["field_name"])] = chosen.category
            evaluated.append(row)

    def ours_predict(row: dict) -> str | None:
        return predictions[(row["file_id"], row["object"], row["field_name"])]

    def base_predict(row: dict) -> str | None:
        return baseline(row["field_name"])

    unreadable = []
    for file_id, entry in sorted(index.items()):
        try:
            read_source(str(corpus / entry["file"]))
        except InputFileError:
            unreadable.append(f"{file_id} ({entry['format']})")
    return {"ours": score(evaluated, ours_predict), "baseline": score(evaluated, base_predict),
            "ours_strict": score(evaluated, ours_predict, strict=True),
            "baseline_strict": score(evaluated, base_predict, strict=True),
            "evaluated": len(evaluated), "gold_rows": len(gold_rows), "skipped": skipped, "unreadable": unreadable}


def format_inventory_evaluation(result: dict, *, show_misses: bool = False) -> str:
    """The evaluation as readable lines (figures for ours and the baseline, skipped files)."""
    ours = result["ours"]
    lines = [f"fields evaluated: {result['evaluated']} of {result['gold_rows']} gold rows; "
             f"gold personal: {ours['gold_personal']}; hard-category fields: {ours['hard_total']}"]
    for name, key in (("privacygap", "ours"), ("piicatcher-style baseline", "baseline"),
                      ("privacygap (gold key only)", "ours_strict"), ("baseline (gold key only)", "baseline_strict")):
        figures = result[key]
        lines.append(f"{name:28s} precision {figures['precision']:.3f}  recall {figures['recall']:.3f}  "
                     f"hard recall {figures['hard_recall']:.3f}  (predicted personal {figures['predicted_personal']})")
    lines.append("corpus files in no supported export format (skipped): " + (", ".join(result["unreadable"]) or "none"))
    fields_missing = [s for s in result["skipped"] if ":" in s.split(" ")[0]]
    if fields_missing:
        lines.append(f"gold fields not found in the parsed files: {len(fields_missing)} {fields_missing[:20]}")
    if show_misses:
        for miss in result["ours_strict"]["misses"]:
            if miss[3] in HARD or (miss[3] not in NON_PERSONAL and taxonomy.is_special(miss[3])):
                lines.append("  STRICT HARD MISS\t" + "\t".join(str(m) for m in miss))
        counts = Counter(m[3] for m in ours["misses"])
        lines.append(f"misses by gold: {dict(counts.most_common())}")
        lines += ["  MISS\t" + "\t".join(str(m) for m in miss) for miss in ours["misses"]]
    return "\n".join(lines)
