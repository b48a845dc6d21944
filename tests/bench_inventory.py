"""Benchmark of the inventory stage: classify 20,000 fields, scan 100,000 notes, peak memory.

    python tests/bench_inventory.py

Each figure stands next to a bare baseline measured in the same run (a single-regex
name classifier, and a plain lower-case substring search over the notes), so the
numbers can be compared across machines.
"""

from __future__ import annotations

import random
import re
import sys
import time
import tracemalloc

from privacygap.inventory.classify import classify_fields
from privacygap.inventory.notes import scan_note_texts
from privacygap.models import CrmField

WORDS = ["Hobbys", "E-Mail", "Telefon", "Kinder", "Umsatz", "Notizen", "Branche", "Lead Score", "Geburtstag", "Verein",
         "Mailing Street", "Do Not Call", "Annual Income", "Spouse Name", "Recording URL", "Job Title", "Region", "Owner"]
NOTE_PARTS = ["Angebot für {n} Lizenzen geschickt.", "Rückruf am Dienstag vereinbart.", "Kunde wird bald Vater.",
              "Seine Frau Anna ist schwanger.", "Spielt Golf im Club.", "Budget für Q{n} freigegeben.",
              "Sent the quote, follow up next week.", "He had back surgery.", "Not interested at the moment.",
              "Meeting with procurement on {n}.05."]


def make_fields(count: int) -> list[CrmField]:
    """Synthetic fields with realistic names, labels and types."""
    rng = random.Random(7)
    fields = []
    for i in range(count):
        word = rng.choice(WORDS)
        name = f"{word.lower().replace(' ', '_').replace('-', '')}_{i}__c"
        fields.append(CrmField(object=rng.choice(["Contact", "Lead", "Account", "Task"]), name=name, label=f"{word} {i}",
                               type=rng.choice(["string", "textarea", "picklist", "date"])))
    return fields


def make_notes(count: int) -> list[tuple[str, str]]:
    """Synthetic notes of two to four sentences."""
    rng = random.Random(11)
    return [(str(i), " ".join(rng.choice(NOTE_PARTS).format(n=rng.randint(1, 40)) for _ in range(rng.randint(2, 4))))
            for i in range(count)]


def baseline_fields(fields: list[CrmField]) -> int:
    """piicatcher-style: one regex over the raw name."""
    pattern = re.compile(r"(name|mail|phone|address|birth|gender|ssn|zip|city)", re.I)
    return sum(1 for f in fields if pattern.search(f.name))


def baseline_notes(notes: list[tuple[str, str]]) -> int:
    """Plain substring search for a handful of terms."""
    terms = ("schwanger", "vater", "golf", "surgery")
    return sum(1 for _, text in notes if any(t in text.lower() for t in terms))


def timed(function, *args) -> tuple[float, object]:
    """Seconds taken by one call, and its result."""
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def main() -> int:
    """Run the benchmark and print fields/s, notes/s and peak memory."""
    fields = make_fields(20_000)
    notes = make_notes(100_000)
    # Timings first, without tracemalloc (it slows Python down several times) …
    t_fields, classified = timed(classify_fields, fields, "Salesforce")
    t_notes, (hits, count) = timed(scan_note_texts, notes)
    # … then the same work again under tracemalloc for the peak memory (caches cleared).
    from privacygap.inventory.classify import tokenizer

    tokenizer.cache_clear()
    tracemalloc.start()
    classify_fields(fields, "Salesforce")
    _, peak_fields = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    scan_note_texts(notes)
    _, peak_notes = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    t_base_fields, _ = timed(baseline_fields, fields)
    t_base_notes, _ = timed(baseline_notes, notes)
    personal = sum(1 for f in classified if f.category and not f.category.startswith("system"))
    print(f"classify: {len(fields)} fields in {t_fields:.2f} s = {len(fields) / t_fields:,.0f} fields/s "
          f"({personal} personal); baseline regex {len(fields) / t_base_fields:,.0f} fields/s; "
          f"peak memory {peak_fields / 2**20:.1f} MiB")
    print(f"notes: {count} notes in {t_notes:.2f} s = {count / t_notes:,.0f} notes/s ({len(hits)} with hits); "
          f"baseline substring {count / t_base_notes:,.0f} notes/s; peak memory {peak_notes / 2**20:.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
