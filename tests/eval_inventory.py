"""Score the field classifier against the corpus gold labels (fields-gold-dev.tsv).

    python tests/eval_inventory.py --corpus ../shared/corpus/crm-inventories

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

import argparse
import csv
import re
import sys
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


def main(argv: list[str] | None = None) -> int:
    """Run the evaluation; prints figures (and misses with --show-misses)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", default=str(Path(__file__).resolve().parents[2] / "shared/corpus/crm-inventories"))
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args(argv)
    corpus = Path(args.corpus)
    if corpus.name != "crm-inventories" and (corpus / "crm-inventories").is_dir():
        corpus = corpus / "crm-inventories"
    gold_path = corpus / "fields-gold-dev.tsv"
    if not gold_path.exists():
        print(f"corpus not found at {corpus} (no fields-gold-dev.tsv): nothing to evaluate")
        return 0
    with open(corpus / "INDEX.tsv", encoding="utf-8") as handle:
        index = {row["id"]: row for row in csv.DictReader(handle, delimiter="\t")}
    with open(gold_path, encoding="utf-8") as handle:
        gold_rows = [dict(r, alternatives=[a.strip() for a in (r.get("alternatives") or "").split(",") if a.strip()])
                     for r in csv.DictReader(handle, delimiter="\t")]
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
    ours = score(evaluated, lambda r: predictions[(r["file_id"], r["object"], r["field_name"])])
    base = score(evaluated, lambda r: baseline(r["field_name"]))
    ours_strict = score(evaluated, lambda r: predictions[(r["file_id"], r["object"], r["field_name"])], strict=True)
    base_strict = score(evaluated, lambda r: baseline(r["field_name"]), strict=True)
    print(f"fields evaluated: {len(evaluated)} of {len(gold_rows)} gold rows; gold personal: {ours['gold_personal']}; "
          f"hard-category fields: {ours['hard_total']}")
    for name, result in (("privacygap", ours), ("piicatcher-style baseline", base),
                         ("privacygap (gold key only)", ours_strict), ("baseline (gold key only)", base_strict)):
        print(f"{name:28s} precision {result['precision']:.3f}  recall {result['recall']:.3f}  "
              f"hard recall {result['hard_recall']:.3f}  (predicted personal {result['predicted_personal']})")
    unreadable = []
    for file_id, entry in sorted(index.items()):
        try:
            read_source(str(corpus / entry["file"]))
        except InputFileError:
            unreadable.append(f"{file_id} ({entry['format']})")
    print("corpus files in no supported export format (skipped):", ", ".join(unreadable) or "none")
    if skipped:
        print("skipped:", "; ".join(s for s in skipped if ":" not in s.split(" ")[0]) or "-")
        fields_missing = [s for s in skipped if ":" in s.split(" ")[0]]
        if fields_missing:
            print(f"gold fields not found in the parsed files: {len(fields_missing)}", fields_missing[:20])
    if args.show_misses:
        for miss in ours_strict["misses"]:
            if miss[3] in HARD or (miss[3] not in NON_PERSONAL and taxonomy.is_special(miss[3])):
                print("  STRICT HARD MISS", *miss, sep="\t")
        counts = Counter(m[3] for m in ours["misses"])
        print("misses by gold:", dict(counts.most_common()))
        for miss in ours["misses"]:
            print("  MISS", *miss, sep="\t")
    return 0


if __name__ == "__main__":
    sys.exit(main())
