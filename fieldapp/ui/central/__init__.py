"""Screens that work on the central store itself: planning (supervisors), administration (admins).

`add_central_tabs` is their one entry point: the main window adds them to the supervisor's
or administrator's home. They need the central store; without one (this run has no review
desk) the tab says so instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QTabWidget, QWidget

from fieldapp.ui.widgets import make_label

if TYPE_CHECKING:
    from fieldapp.app.session import SignedIn
    from fieldapp.ui.central.base import CentralPanel
    from fieldapp.ui.context import AppContext


def add_central_tabs(tabs: QTabWidget, context: AppContext, signed: SignedIn) -> QWidget | None:
    """The planning and follow-up tabs for a supervisor, the administration tab for an
    administrator."""
    role = signed.role.value
    if role not in ("supervisor", "admin"):
        return None
    if context.review_desk is None:
        label = make_label(
            QCoreApplication.translate(
                "Central",
                "Planning and administration need a connection to the central store.",
            ),
            role="muted",
        )
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setObjectName("central_unavailable")
        title = (
            QCoreApplication.translate("Central", "Planning")
            if role == "supervisor"
            else QCoreApplication.translate("Central", "Administration")
        )
        tabs.addTab(label, title)
        return label
    panel: CentralPanel
    if role == "supervisor":
        from fieldapp.ui.central.planning import PlanningPanel

        panel = PlanningPanel(context, signed)
        tabs.addTab(panel, panel.tab_title())
        from fieldapp.ui.central.followup import FollowUpPanel

        followup = FollowUpPanel(context, signed)
        tabs.addTab(followup, followup.tab_title())
        return panel
    from fieldapp.ui.central.admin import AdminPanel

    panel = AdminPanel(context, signed)
    tabs.addTab(panel, panel.tab_title())
    return panel
