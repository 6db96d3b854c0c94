"""The desktop app in PySide6 Qt Widgets: the only part of fieldapp that imports Qt.

`app.run` builds one `AppContext` (settings, background tasks, translations, forms, the
profile once signed in) and hands it to every screen; screens wire the use cases of
`fieldapp.store` and `fieldapp.core` and keep no state of their own beyond what they show.
"""
