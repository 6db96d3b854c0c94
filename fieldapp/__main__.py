"""Run the `fieldapp` command as `python -m fieldapp`."""

from fieldapp.cli import main

raise SystemExit(main())
