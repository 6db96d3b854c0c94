"""The Qt-free domain: forms, the expression engine, outcomes and paired door tests.

Nothing here imports another part of fieldapp, so the server, the CLI, the reports and the
app all stand on the same rules.
"""
