"""The findings the answers add up to, shown as they arise with their severity colour."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from fieldapp.core.forms import Outcome, Severity
from fieldapp.ui.runner.texts import FormTexts
from fieldapp.ui.widgets import FlowLayout, make_label, set_flag


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
    """One finding: a mark, its label and its severity in words, never colour alone."""

    def __init__(self, outcome: Outcome, texts: FormTexts) -> None:
        super().__init__()
        self.outcome = outcome
        self.texts = texts
        self.setObjectName(f"outcome_{outcome.name}")
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


class OutcomeStrip(QFrame):
    """All active findings, most severe first; new ones are announced for a moment."""

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
        layout.addWidget(self.caption)
        layout.addWidget(self.holder, 1)
        self.chips: dict[str, OutcomeChip] = {}
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
                self.chips[outcome.name] = chip
                self._announce(chip)
        # Keep the order of severity: re-add in order (cheap, there are few).
        for chip in self.chips.values():
            self.flow.removeWidget(chip)
        for name in names:
            self.flow.addWidget(self.chips[name])
            self.chips[name].show()
        self.none.setVisible(not outcomes)
        self.flow.invalidate()
        self.holder.updateGeometry()
        self.updateGeometry()

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
        self.setAccessibleName(self.tr("Findings"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
