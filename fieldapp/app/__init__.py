"""The application layer: what a person does, as small Qt-free use cases.

The screens (`fieldapp.ui`) and the verbs (`fieldapp.cli`) call these and nothing below
them directly: `session` signs in and checks the password again; `inspections` lists the
forms a person may start, starts, opens and pre-fills inspections; `review/` is the
supervisor's desk over the central store; `reports` is what the report and export verbs
call; `syncing` connects a profile to its central store; `settings` and `venues` are the
app's settings file and venue search; `demo` holds everything of the demo. Errors a person
is told about are in `errors`.
"""
