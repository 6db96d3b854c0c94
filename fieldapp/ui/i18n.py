"""Translations: the app's `.qm` catalogue and Qt's own, switched at run time.

The source strings in the code are English; `resources/i18n/fieldapp_nl.qm` makes Dutch
what a person sees by default. Switching language installs other catalogues, which sends
a LanguageChange event to every widget; each widget re-reads its texts in `retranslate`.
Form texts are not in these catalogues: they carry their own languages in the form file.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from fieldapp.core.locations import resources_directory

CATALOGUE_DIRECTORY = resources_directory() / "i18n"


class Translations:
    """The installed catalogues of one application; one object, owned by the context."""

    def __init__(self, app: QCoreApplication) -> None:
        self._app = app
        self._installed: list[QTranslator] = []
        self.language = "en"

    def remove(self) -> None:
        """Uninstall this object's catalogues (tests share one QApplication)."""
        for translator in self._installed:
            self._app.removeTranslator(translator)
        self._installed.clear()

    def apply(self, language: str) -> None:
        """Install the catalogues for `language` (replacing the previous ones)."""
        for translator in self._installed:
            self._app.removeTranslator(translator)
        self._installed.clear()
        qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        for name, folder in (("qtbase", qt_folder), ("fieldapp", str(CATALOGUE_DIRECTORY))):
            translator = QTranslator(self._app)
            if translator.load(f"{name}_{language}", folder):
                self._app.installTranslator(translator)
                self._installed.append(translator)
        self.language = language
        QLocale.setDefault(
            QLocale(
                QLocale.Language.Dutch if language == "nl" else QLocale.Language.English,
                QLocale.Country.Netherlands,
            )
        )
