"""The bundle's entry point: the `fieldapp` command, the same as `python -m fieldapp`."""

from fieldapp.cli import main

raise SystemExit(main())
