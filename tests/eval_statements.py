"""Score the statement stage on a labelled corpus: ``python tests/eval_statements.py --corpus DIR --gold FILE``.

Exits 0 with a message when the corpus is absent (e.g. in a fresh checkout without
``../shared/corpus``), so CI can call it unconditionally.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from privacygap.extract.evaluate import evaluate_statements, format_evaluation

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "policies"


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run the evaluation, print the report (or JSON with --json)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--gold", type=Path, default=None, help="gold file (default: CORPUS/gold-dev.json)")
    parser.add_argument("--json", action="store_true", help="print the full result as JSON")
    parser.add_argument("--worst", type=int, default=5)
    args = parser.parse_args(argv)
    gold = args.gold or args.corpus / "gold-dev.json"
    if not args.corpus.is_dir() or not gold.is_file():
        print(f"corpus not available ({args.corpus}, {gold}); nothing to evaluate")
        return 0
    result = evaluate_statements(args.corpus, gold)
    print(json.dumps(result, indent=2, ensure_ascii=False) if args.json else format_evaluation(result, worst=args.worst))
    return 0


if __name__ == "__main__":
    sys.exit(main())
