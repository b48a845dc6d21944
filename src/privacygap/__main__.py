"""``python -m privacygap`` runs the command line."""

from privacygap.cli import main

raise SystemExit(main())
