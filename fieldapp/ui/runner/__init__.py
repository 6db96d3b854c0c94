"""The form runner: renders any valid form definition and fills in one inspection.

Nothing here knows a particular form. Pages come from the top-level groups, widgets from
the question types, and every edit goes through the `FormSession`, whose `Changes` say
exactly which widgets to update. Each change is handed to an `AnswerSink` (see `sink.py`)
on the background mechanism, so the store can save it at once.
"""
