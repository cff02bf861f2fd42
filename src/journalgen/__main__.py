"""`python -m journalgen` is the same as the `journalgen` command."""

from journalgen.cli import main

raise SystemExit(main())
