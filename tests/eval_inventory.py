"""Score the field classifier against the corpus gold labels (fields-gold-dev.tsv).

    python tests/eval_inventory.py --corpus ../shared/corpus/crm-inventories [--show-misses]

The scoring lives in :mod:`privacygap.inventory.evaluate` (also ``privacygap eval inventory``).
Exits 0 with a message when the corpus is absent.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from privacygap.inventory.evaluate import evaluate_inventories, format_inventory_evaluation


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
    print(format_inventory_evaluation(evaluate_inventories(corpus, gold_path), show_misses=args.show_misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
