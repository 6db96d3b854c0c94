"""The findings the answers add up to, shown as they arise with their severity colour."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from fieldapp.core.forms import Outcome, Severity
from fieldapp.ui.runner.texts import FormTexts
from fieldapp.ui.theme import TOUCH
from fieldapp.ui.widgets import FlowLayout, make_button, make_label, set_flag


def severity_name(severity: Severity) -> str:
    """The severity in the person's language."""
    from PySide6.QtCore import QCoreApplication

    names = {
        Severity.INFO: QCoreApplication.translate("Severity", "information"),
        Severity.ATTENTION: QCoreApplication.translate("Severity", "attention"),
        Severity.VIOLATION: QCoreApplication.translate("Severity", "violation"),
        Severity.SERIOUS: QCoreApplication.translate("Severity", "serious"),
        Severity.IMMEDIATE_CLOSURE: QCoreApplication.translate("Severity", "immediate closure"),
    }
    return names[severity]


#: A mark per severity, so colour is never the only sign (and every mark is in DejaVu Sans
#: regular and bold, the fonts a bare Linux tablet has).
SEVERITY_MARK = {
    Severity.INFO: "ℹ",
    Severity.ATTENTION: "!",
    Severity.VIOLATION: "⚠",
    Severity.SERIOUS: "✖",
    Severity.IMMEDIATE_CLOSURE: "✖",
}


class OutcomeChip(QLabel):
    """One finding: a mark, its label and its severity in words, never colour alone.

    Tapping it (or Return/Space with the keyboard) goes to the answers it rests on.
    """

    chosen = Signal(str)

    def __init__(self, outcome: Outcome, texts: FormTexts) -> None:
        super().__init__()
        self.outcome = outcome
        self.texts = texts
        self.setObjectName(f"outcome_{outcome.name}")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setMargin(8)
        set_flag(self, "severity", Severity(outcome.severity).value)
        self.retranslate()
        # Polish now, so the flow layout measures the chip as it will be drawn.
        self.ensurePolished()
        self.adjustSize()

    def retranslate(self) -> None:
        severity = Severity(self.outcome.severity)
        label = self.texts.text(self.outcome.label)
        self.setText(f"{SEVERITY_MARK[severity]} {label}")
        explanation = self.texts.text(self.outcome.explanation)
        self.setAccessibleName(f"{severity_name(severity)}: {label}")
        self.setAccessibleDescription(explanation)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
            event.position().toPoint()
        ):
            self.chosen.emit(self.outcome.name)
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.chosen.emit(self.outcome.name)
            return
        super().keyPressEvent(event)


class OutcomeStrip(QFrame):
    """All active findings, most severe first; new ones are announced for a moment.

    The strip is one row high, always: a finding that would wrap to a second row would
    push the whole page down under the finger. Findings that do not fit are counted on
    a "+N" button that opens the summary, which lists them all.

    Signals:
        more_requested(): the person tapped "+N" to see every finding.
        finding_chosen(name): the person tapped a finding, to go to its answers.
    """

    more_requested = Signal()
    finding_chosen = Signal(str)

    def __init__(self, texts: FormTexts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.texts = texts
        self.setObjectName("outcomes")
        self.setProperty("role", "bar")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(20, 8, 20, 8)
        self.caption = make_label(role="label", wrap=False)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.caption.setContentsMargins(0, 8, 0, 0)
        self.holder = QWidget()
        self.flow = FlowLayout(self.holder, spacing=6)
        self.none = make_label(role="muted", wrap=False)
        self.flow.addWidget(self.none)
        self.more = make_button(role="link")
        self.more.setObjectName("more_outcomes")
        self.more.clicked.connect(self.more_requested)
        self.more.hide()
        self.holder.setFixedHeight(TOUCH)
        layout.addWidget(self.caption)
        layout.addWidget(self.holder, 1)
        self.chips: dict[str, OutcomeChip] = {}
        self._order: list[str] = []
        self.retranslate()

    def show_outcomes(self, outcomes: list[Outcome]) -> None:
        names = [outcome.name for outcome in outcomes]
        for name in [name for name in self.chips if name not in names]:
            chip = self.chips.pop(name)
            self.flow.removeWidget(chip)
            chip.deleteLater()
        for outcome in outcomes:
            if outcome.name not in self.chips:
                chip = OutcomeChip(outcome, self.texts)
                chip.chosen.connect(self.finding_chosen)
                self.chips[outcome.name] = chip
                self._announce(chip)
        # Keep the order of severity: re-add in order (cheap, there are few).
        for chip in self.chips.values():
            self.flow.removeWidget(chip)
        self.flow.removeWidget(self.more)
        self._order = names
        for name in names:
            self.flow.addWidget(self.chips[name])
        self.flow.addWidget(self.more)
        self.none.setVisible(not outcomes)
        self._fit()

    @property
    def hidden_count(self) -> int:
        """How many findings are only behind "+N" for want of room."""
        return sum(1 for chip in self.chips.values() if chip.isHidden())

    def _fit(self) -> None:
        """Show the findings that fit on one row; count the rest on the "+N" button."""
        width = self.holder.width()
        shown = [self.chips[name] for name in self._order if name in self.chips]
        spacing = 6
        used = 0
        fitting = 0
        for index, chip in enumerate(shown):
            need = chip.sizeHint().width() + (spacing if index else 0)
            rest = len(shown) - index - 1
            room = width - (self._more_width(rest) + spacing if rest else 0)
            if used + need > room:
                break
            used += need
            fitting += 1
        for index, chip in enumerate(shown):
            chip.setVisible(index < fitting)
        hidden = len(shown) - fitting
        self.more.setText(self.tr("+%n more", "", hidden))
        self.more.setAccessibleName(self.tr("%n more finding(s): show all", "", hidden))
        self.more.setVisible(hidden > 0)
        self.flow.invalidate()
        self.holder.updateGeometry()
        self.updateGeometry()

    def _more_width(self, hidden: int) -> int:
        self.more.setText(self.tr("+%n more", "", hidden))
        return self.more.sizeHint().width()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _announce(self, chip: OutcomeChip) -> None:
        # A new finding is underlined for a few seconds so the eye catches it.
        font = chip.font()
        font.setUnderline(True)
        chip.setFont(font)
        name = chip.outcome.name

        def settle() -> None:
            current = self.chips.get(name)
            if current is not None:
                plain = current.font()
                plain.setUnderline(False)
                current.setFont(plain)

        QTimer.singleShot(4000, self, settle)

    def retranslate(self) -> None:
        self.caption.setText(self.tr("Findings:"))
        self.none.setText(self.tr("none so far"))
        for chip in self.chips.values():
            chip.retranslate()
        self._fit()
        self.setAccessibleName(self.tr("Findings"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
