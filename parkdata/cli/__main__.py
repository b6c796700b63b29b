"""``python -m parkdata.cli`` runs the ``parkdata`` command."""

from parkdata.cli import main

raise SystemExit(main())
