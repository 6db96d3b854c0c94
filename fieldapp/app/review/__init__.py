"""The supervisor's desk: the central store's inbox, one inspection laid out, and reports.

`desk` talks to the central store (inbox pages, details, photos, return and approve) and
opens the desk for the demo's or the configured store; `source` makes reports from what
the central store holds; `loading` gathers everything the review detail shows.
"""
