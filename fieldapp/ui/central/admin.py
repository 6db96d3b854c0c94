"""The administrator's tab: venues, imports with a preview, areas, teams and people, forms.

Each page reads from and writes to the central store through `Administration` on the task
runner. An import is checked first (a dry run lists every problem with its row and column
and the counts) and only a clean check can be applied. New accounts and reset passwords
show the one-time password once, on the page, to be handed over in person.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fieldapp.app.administration import Administration
from fieldapp.app.session import SignedIn
from fieldapp.core.entities import Area
from fieldapp.ui.central.base import (
    Banner,
    CentralPanel,
    TranslatedPage,
    fill,
    fit_columns,
    make_table,
    run_central,
    set_headers,
)
from fieldapp.ui.central.plan_dialogs import ask
from fieldapp.ui.context import AppContext
from fieldapp.ui.widgets import make_button, make_label

T = TypeVar("T")


class AdminPanel(CentralPanel):
    """Signals:
    loaded(str): a page's list arrived ("venues", "areas", "people", "forms").
    preview_requested(str): try out a form in the runner, read-only (its id).
    """

    loaded = Signal(str)
    preview_requested = Signal(str)

    def __init__(self, context: AppContext, signed: SignedIn, parent: QWidget | None = None):
        super().__init__(context, signed, parent)
        self.setObjectName("admin_panel")
        self.admin: Administration | None = None
        #: Asks "sure?" before closing a venue; tests replace it.
        self.confirm: Callable[[str], bool] = lambda question: ask(self, question)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(self.banner)
        self.pages = QTabWidget()
        self.pages.setObjectName("admin_pages")
        self.pages.setDocumentMode(True)
        from fieldapp.ui.central.admin_pages import FormsPage, ImportPage, PeoplePage
        from fieldapp.ui.central.venue_pages import VenuesPage

        self.venues = VenuesPage(self, on_import=lambda: self.imports.start("venues"))
        self.venues.loaded.connect(lambda: self.loaded.emit("venues"))
        self.imports = ImportPage(self)
        self.areas = AreasPage(self)
        self.people = PeoplePage(self)
        self.forms = FormsPage(self)
        for page in (self.venues, self.imports, self.areas, self.people, self.forms):
            self.pages.addTab(page, "")
        layout.addWidget(self.pages, 1)
        self.retranslate()
        self.connect_central()

    def connected(self) -> None:
        self.admin = Administration(self.desk.line, self.username)
        self.refresh()

    def refresh(self) -> None:
        if self.admin is None:
            if self.desk is None:
                self.connect_central()
            return
        self.venues.load()
        self.areas.load()
        self.people.load()
        self.forms.load()

    def run_admin(
        self,
        work: Callable[[Administration], T],
        on_success: Callable[[T], None],
        on_failure: Callable[[BaseException], None] | None = None,
        banner: Banner | None = None,
    ) -> None:
        """Run `work` with the administration off the UI thread (told on `banner`)."""
        admin = self.admin
        if admin is None:
            return
        run_central(
            self.context,
            self,
            banner or self.banner,
            lambda: work(admin),
            on_success,
            on_failure,
        )

    def tab_title(self) -> str:
        return self.tr("Administration")

    def retranslate(self) -> None:
        super().retranslate()
        for index, title in enumerate(
            (
                self.tr("Venues"),
                self.tr("Import"),
                self.tr("Areas"),
                self.tr("Teams and people"),
                self.tr("Forms"),
            )
        ):
            self.pages.setTabText(index, title)


class AreasPage(TranslatedPage):
    def __init__(self, panel: AdminPanel) -> None:
        super().__init__()
        self.setObjectName("admin_areas")
        self.panel = panel
        self.areas: list[Area] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        self.hint = make_label(role="hint")
        layout.addWidget(self.hint)
        self.table = make_table("area_table")
        layout.addWidget(self.table, 1)
        bar = QHBoxLayout()
        self.import_button = make_button()
        self.import_button.setObjectName("import_areas")
        self.import_button.clicked.connect(lambda: panel.imports.start("areas"))
        bar.addWidget(self.import_button)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.retranslate()

    def load(self) -> None:
        self.panel.run_admin(lambda admin: admin.areas(), self._show)

    def _show(self, areas: list[Area]) -> None:
        self.areas = areas
        self._fill()
        self.panel.loaded.emit("areas")

    def _fill(self) -> None:
        areas = self.areas
        yes, no = self.tr("yes"), self.tr("no")
        fill(
            self.table,
            [
                [
                    area.name,
                    area.id,
                    area.district,
                    yes if area.fireworks_free_zone else no,
                    yes if area.coffeeshop_overconcentration else no,
                    yes if area.boundary else no,
                ]
                for area in areas
            ],
            [area.id for area in areas],
        )
        fit_columns(self.table)

    def retranslate(self) -> None:
        self.hint.setText(
            self.tr(
                "Areas come from a CSV, Excel or GeoJSON file (with boundaries); "
                "import a changed file to update them."
            )
        )
        self.import_button.setText(self.tr("Import areas…"))
        set_headers(
            self.table,
            [
                self.tr("Name"),
                self.tr("Id"),
                self.tr("District"),
                self.tr("Fireworks-free zone"),
                self.tr("Coffeeshop relocation area"),
                self.tr("Boundary"),
            ],
        )
        if self.areas:
            # "yes" and "no" in the new language.
            self._fill()


def choose_file(parent: QWidget, title: str, pattern: str) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(parent, title, "", pattern)
    return Path(name) if name else None
