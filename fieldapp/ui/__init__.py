"""The desktop app in PySide6 Qt Widgets: the only part of fieldapp that imports Qt.

`app.run` builds one `AppContext` (settings, background tasks, translations, forms, the
profile once signed in) and hands it to every screen; screens wire the use cases of
`fieldapp.store` and `fieldapp.core` and keep no state of their own beyond what they show.
"""

import builtins
import sys

import PySide6.QtCore  # noqa: F401  (installs the import hook undone below)


def _without_pyside_feature_hook() -> None:
    """Give Python its own `import` back from PySide6's, and with it drop `__feature__`.

    PySide6 replaces `builtins.__import__` for its opt-in `from __feature__ import
    snake_case` syntax, and its hook then reads the whole source file of every module
    imported afterwards to see whether it mentions PySide6: a quarter of the time the app's
    modules take to import, 8 ms of a 150 ms start to the sign-in window. The import put
    back is the one PySide6 wrapped (its own lazy loader of Qt's classes). Modules
    imported afterwards are not registered for PySide6's feature switching: they follow
    the features selected last, none, as long as nobody selects any. So `__feature__` goes
    too, and a module asking for a feature fails at once rather than be ignored (a test
    also keeps fieldapp from asking).
    """
    original = getattr(builtins, "__orig_import__", None)
    hook = getattr(builtins, "__feature_import__", None)
    if original is not None and hook is not None and builtins.__import__ is hook:
        builtins.__import__ = original
        sys.modules.pop("__feature__", None)


_without_pyside_feature_hook()
