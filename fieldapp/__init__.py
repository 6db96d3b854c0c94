"""fieldapp: an offline-first field app for inspections, patrols and door tests in The Hague."""

__version__ = "0.3.0"
