"""Colours, sizes and the style sheet: light, dark and high contrast for daylight.

Touch first: every control a finger can hit is at least 44 px high (Apple's and
Microsoft's minimum target size), nothing depends on hovering, and focus is drawn clearly
for keyboard use. Widgets say what they are with a `role` property (`primary`, `danger`,
`hint`, `issue`, …) and the sheet below gives each its look, so no widget sets colours.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from fieldapp.core.locations import resources_directory

#: The `QApplication` property that says its style is Fusion already (from the start, by
#: `-style fusion`, as `fieldapp.ui.app.application` makes it, or set here), so
#: `apply_theme` need not ask: the first `app.style()` in Python makes PySide6 build the
#: enums of QStyle (some 600 values, about 10 ms of a start to the sign-in window). Asking
#: would not do either once a style sheet is set: the sheet's own style has no name.
FUSION_SET = "fieldapp_fusion_set"

#: Minimum size of anything a finger taps, in pixels.
TOUCH = 44
#: Width of a scroll bar: a finger drags it (flicking the page works too).
SCROLLBAR = 22

ICONS = resources_directory() / "icons"

# The severities of fieldapp.core.forms.Severity, by value: the theme is loaded before the
# form model (and pydantic) so the sign-in window comes up fast.
INFO = "info"
ATTENTION = "attention"
VIOLATION = "violation"
SERIOUS = "serious"
IMMEDIATE_CLOSURE = "immediate_closure"


@dataclass(frozen=True, slots=True)
class Colours:
    window: str
    card: str
    text: str
    muted: str
    border: str
    accent: str
    accent_text: str
    danger: str
    ok: str
    focus: str
    selected: str
    issue_background: str
    #: A focus ring drawn on a coloured surface (a finding's chip), where `focus` may not
    #: show. (Blue buttons get a ring of the text colour: it lies around them, on the window.)
    focus_on_accent: str
    #: Background and text colour per outcome severity (`fieldapp.core.forms.Severity`).
    severity: dict[str, tuple[str, str]]
    border_width: int = 1
    font_points: int = 11
    #: The tick drawn in a checked box, from resources/icons.
    check_icon: str = "check.svg"
    #: The arrows of lists and number fields (resources/icons/chevron-*-{this}.svg): "dark"
    #: on a light card, "light" on a dark one.
    chevrons: str = "dark"
    #: The hint in an empty field ("Wachtwoord"): readable, yet unlike a value typed in.
    #: None: `muted`.
    hint: str | None = None


LIGHT = Colours(
    window="#eef1f4",
    card="#ffffff",
    text="#1a1f24",
    muted="#56606b",
    border="#c5ccd4",
    accent="#1d5fa7",
    accent_text="#ffffff",
    danger="#b3261e",
    ok="#1e7b45",
    focus="#1d5fa7",
    selected="#dbe8f7",
    issue_background="#fdecea",
    focus_on_accent="#ffc400",
    severity={
        INFO: ("#dde9f7", "#173f6b"),
        ATTENTION: ("#fff0c2", "#5c4200"),
        VIOLATION: ("#ffd9c2", "#7a2600"),
        SERIOUS: ("#b3261e", "#ffffff"),
        IMMEDIATE_CLOSURE: ("#5f0f0b", "#ffffff"),
    },
)

DARK = Colours(
    window="#121518",
    card="#1d2126",
    text="#e7eaee",
    muted="#a3acb7",
    border="#3a424c",
    accent="#7db3ff",
    accent_text="#0b1a2e",
    danger="#ff8a80",
    ok="#7fd6a0",
    focus="#7db3ff",
    selected="#24374f",
    issue_background="#3a1d1b",
    focus_on_accent="#0b1a2e",
    severity={
        INFO: ("#1f3350", "#cfe2ff"),
        ATTENTION: ("#4a3b0c", "#ffe08a"),
        VIOLATION: ("#5a2a12", "#ffc7a6"),
        SERIOUS: ("#8c1d18", "#ffffff"),
        IMMEDIATE_CLOSURE: ("#ff5449", "#1a0000"),
    },
    check_icon="check-dark.svg",
    chevrons="light",
)

#: Black on white with heavy borders and larger type, for reading in bright daylight.
HIGH_CONTRAST = Colours(
    window="#ffffff",
    card="#ffffff",
    text="#000000",
    muted="#000000",
    border="#000000",
    accent="#0030b0",
    accent_text="#ffffff",
    danger="#a00000",
    ok="#005a1e",
    focus="#000000",
    selected="#ffe600",
    issue_background="#ffffff",
    focus_on_accent="#ffe600",
    severity={
        INFO: ("#ffffff", "#000000"),
        ATTENTION: ("#ffe600", "#000000"),
        VIOLATION: ("#ff9900", "#000000"),
        SERIOUS: ("#a00000", "#ffffff"),
        IMMEDIATE_CLOSURE: ("#000000", "#ffffff"),
    },
    border_width=2,
    font_points=13,
    # Grey at 7:1: in black like everything else, an empty field looked filled in.
    hint="#595959",
)

#: What mystery guests see in discreet mode: dark and dim, whatever the theme.
DISCREET = Colours(
    window="#000000",
    card="#0b0b0c",
    text="#b8bcc2",
    muted="#7c828a",
    border="#26292d",
    accent="#5d7fa8",
    accent_text="#000000",
    danger="#c76a63",
    ok="#6ea882",
    focus="#5d7fa8",
    selected="#17202b",
    issue_background="#1f1110",
    focus_on_accent="#000000",
    severity=DARK.severity,
    check_icon="check.svg",
    chevrons="light",
)

THEMES: dict[str, Colours] = {"light": LIGHT, "dark": DARK, "high_contrast": HIGH_CONTRAST}


class ThemeSignals(QObject):
    """Tells widgets that the theme changed (e.g. into discreet mode), by a signal.

    A signal, not an event filter on the application: a receiver that is deleted is
    disconnected by Qt, where a filter could be called while its widget is being destroyed.
    """

    changed = Signal()


#: The one notifier of the application's theme changes.
THEME = ThemeSignals()


def colours_for(theme: str, *, discreet: bool = False) -> Colours:
    return DISCREET if discreet else THEMES.get(theme, LIGHT)


def apply_theme(app: QApplication, theme: str, *, discreet: bool = False) -> Colours:
    """Style the whole application; returns the colours for widgets that paint themselves."""
    colours = colours_for(theme, discreet=discreet)
    # One look on every platform: the style sheet below is written for Fusion.
    if not app.property(FUSION_SET):
        style = QStyleFactory.create("Fusion")
        if style is not None:
            app.setStyle(style)
            app.setProperty(FUSION_SET, True)
    app.setPalette(_palette(colours))
    font = QFont(app.font())
    font.setPointSize(colours.font_points)
    app.setFont(font)
    app.setStyleSheet(style_sheet(colours))
    app.setProperty("fieldapp_theme", theme)
    app.setProperty("fieldapp_discreet", discreet)
    THEME.changed.emit()
    return colours


def current_colours() -> Colours:
    """The colours of the running application, for widgets that paint themselves."""
    app = QApplication.instance()
    if app is None:
        return LIGHT
    theme = app.property("fieldapp_theme")
    discreet = bool(app.property("fieldapp_discreet"))
    return colours_for(theme if isinstance(theme, str) else "light", discreet=discreet)


def is_discreet() -> bool:
    """True while the running application is in discreet mode."""
    app = QApplication.instance()
    return app is not None and bool(app.property("fieldapp_discreet"))


def _palette(c: Colours) -> QPalette:
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: c.window,
        QPalette.ColorRole.WindowText: c.text,
        QPalette.ColorRole.Base: c.card,
        QPalette.ColorRole.AlternateBase: c.window,
        QPalette.ColorRole.Text: c.text,
        QPalette.ColorRole.Button: c.card,
        QPalette.ColorRole.ButtonText: c.text,
        QPalette.ColorRole.Highlight: c.accent,
        QPalette.ColorRole.HighlightedText: c.accent_text,
        QPalette.ColorRole.ToolTipBase: c.card,
        QPalette.ColorRole.ToolTipText: c.text,
        QPalette.ColorRole.PlaceholderText: c.hint or c.muted,
        QPalette.ColorRole.Link: c.accent,
    }
    for role, colour in roles.items():
        palette.setColor(role, QColor(colour))
    # Disabled text keeps the text colour: in the hint's colour a disabled field's value
    # ("tot en met 10-12-2026") read as an empty field. A disabled button shows it by its
    # broken border (the sheet's `:disabled` rules).
    for role in (
        QPalette.ColorRole.ButtonText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.WindowText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(c.text))
    return palette


def _luminance(colour: str) -> float:
    """WCAG relative luminance of a #rrggbb colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _ring_on(background: str, candidates: tuple[str, ...]) -> str:
    """The candidate colour that stands out most on `background` (a focus ring on a
    finding's own colour, which may be as dark or as blue as the usual ring)."""

    def contrast(colour: str) -> float:
        light, dark = sorted((_luminance(colour), _luminance(background)), reverse=True)
        return (light + 0.05) / (dark + 0.05)

    return max(candidates, key=contrast)


def style_sheet(c: Colours) -> str:
    b = c.border_width
    # The focus ring is wider than the plain border. Its width is reserved when a control
    # has no focus (a margin beside a border, or a transparent border), so focus never
    # takes room from the text inside: the label of a button at its size hint stays whole.
    ring = b + 2
    reserve = ring - b
    icon = (ICONS / c.check_icon).as_posix()
    up = (ICONS / f"chevron-up-{c.chevrons}.svg").as_posix()
    down = (ICONS / f"chevron-down-{c.chevrons}.svg").as_posix()
    left = (ICONS / f"chevron-left-{c.chevrons}.svg").as_posix()
    right = (ICONS / f"chevron-right-{c.chevrons}.svg").as_posix()
    severity = "\n".join(
        f"""
        QFrame[severity="{level}"], QLabel[severity="{level}"],
        QPushButton[severity="{level}"] {{
            background: {bg}; color: {fg}; border-radius: 6px;
        }}
        QLabel[severity="{level}"]:focus {{
            border: {ring}px solid {_ring_on(bg, (c.focus, c.focus_on_accent, fg))};
        }}"""
        for level, (bg, fg) in c.severity.items()
    )
    # No rule for every QWidget (`QWidget { color: … }`): the palette gives text its colour,
    # enabled and disabled. With such a rule Qt drew the hint in an empty field at half the
    # text colour instead of the palette's (3.3:1 on white, under the 4.5:1 text needs).
    # Widgets that set a palette of their own are given the text colour here instead: the
    # calendar's top bar draws its month and year in the colour for text on a selection.
    return f"""
    QMainWindow, QDialog, QStackedWidget, QScrollArea, QScrollArea > QWidget > QWidget,
    QWidget#qt_scrollarea_viewport {{
        background: {c.window};
    }}
    QFrame[role="card"] {{
        background: {c.card}; border: {b}px solid {c.border}; border-radius: 10px;
    }}
    QFrame[role="bar"] {{ background: {c.card}; border-bottom: {b}px solid {c.border}; }}
    QFrame[role="footer"] {{ background: {c.card}; border-top: {b}px solid {c.border}; }}
    QFrame[role="question"] {{ background: transparent; border: none; }}
    QFrame[role="question"][problem="true"] {{
        background: {c.issue_background}; border-left: 4px solid {c.danger};
        border-radius: 4px;
    }}
    QFrame[role="row"] {{
        background: {c.card}; border: {b}px solid {c.border}; border-radius: 8px;
    }}
    QFrame[role="note"] {{
        background: {c.selected}; border-left: 4px solid {c.accent}; border-radius: 4px;
    }}
    QFrame[role="brand"] {{ background: {c.accent}; }}
    QLabel[role="brand_title"] {{
        color: {c.accent_text}; font-size: {c.font_points + 18}pt; font-weight: 700;
    }}
    QLabel[role="brand_text"] {{ color: {c.accent_text}; font-size: {c.font_points + 1}pt; }}
    QFrame[role="notice"] {{
        background: {c.selected}; border-bottom: {b}px solid {c.border};
    }}
    QFrame[role="notice_error"] {{
        background: {c.issue_background}; border-bottom: {b}px solid {c.danger};
    }}
    QFrame[role="lock"] {{ background: {c.window}; }}
    QLabel[role="comment"] {{
        background: {c.severity[ATTENTION][0]}; color: {c.severity[ATTENTION][1]};
        border-radius: 6px; padding: 6px 10px;
    }}
    QLabel {{ background: transparent; }}
    QLabel[role="title"] {{ font-size: {c.font_points + 9}pt; font-weight: 600; }}
    QLabel[role="heading"] {{ font-size: {c.font_points + 4}pt; font-weight: 600; }}
    QLabel[role="label"] {{ font-weight: 600; }}
    QLabel[role="hint"], QLabel[role="muted"] {{ color: {c.muted}; }}
    QLabel[role="issue"] {{ color: {c.danger}; font-weight: 600; }}
    QLabel[role="ok"] {{ color: {c.ok}; font-weight: 600; }}
    QLabel[role="value"] {{
        background: {c.window}; border: {b}px dashed {c.border}; border-radius: 6px;
        padding: 8px 10px; font-weight: 600;
    }}
    QLabel[role="demo"] {{
        background: {c.severity[ATTENTION][0]};
        color: {c.severity[ATTENTION][1]};
        border-radius: 6px; padding: 4px 10px; font-weight: 600;
    }}
    QPushButton, QToolButton {{
        min-height: {TOUCH}px; min-width: {TOUCH}px; padding: 0 16px;
        background: {c.card}; border: {b}px solid {c.border}; border-radius: 8px;
        margin: {reserve}px;
    }}
    QToolButton {{ padding: 0 8px; }}
    QCalendarWidget QToolButton {{ color: {c.text}; }}
    /* Qt's own month arrows are drawn dark whatever the theme: unseen on a dark button. */
    QCalendarWidget QToolButton#qt_calendar_prevmonth {{ qproperty-icon: url({left}); }}
    QCalendarWidget QToolButton#qt_calendar_nextmonth {{ qproperty-icon: url({right}); }}
    QPushButton:pressed, QToolButton:pressed {{ background: {c.selected}; }}
    QPushButton:checked, QToolButton:checked {{
        background: {c.accent}; color: {c.accent_text}; border-color: {c.accent};
    }}
    QPushButton:disabled, QToolButton:disabled {{
        color: {c.muted}; background: {c.window}; border-style: dashed;
        border-color: {c.muted};
    }}
    QPushButton[role="primary"] {{
        background: {c.accent}; color: {c.accent_text}; border-color: {c.accent};
        font-weight: 600;
    }}
    QPushButton[role="primary"]:disabled {{
        background: {c.window}; color: {c.muted}; border-color: {c.muted};
        border-style: dashed;
    }}
    QPushButton[role="danger"] {{ color: {c.danger}; border-color: {c.danger}; }}
    QPushButton[role="link"] {{
        border: {ring}px solid transparent; margin: 0; background: transparent;
        color: {c.accent}; text-align: left; padding: 0 4px; text-decoration: underline;
    }}
    QPushButton[role="link"]:checked {{
        background: transparent; color: {c.accent}; border-color: transparent;
    }}
    QPushButton[role="photo"] {{ padding: 2px; }}
    QPushButton[role="choice"] {{ text-align: left; padding: 8px 14px; }}
    QPushButton[role="segment"] {{ padding: 0 22px; }}
    QPushButton[role="star"] {{ font-size: {c.font_points + 8}pt; padding: 0; }}
    QPushButton[role="section"] {{ text-align: left; padding: 6px 12px; margin: 0;
        border: {ring}px solid transparent; background: transparent; }}
    QPushButton:focus, QToolButton:focus, QLineEdit:focus, QPlainTextEdit:focus,
    QComboBox:focus, QDateTimeEdit:focus, QSpinBox:focus, QListView:focus,
    QTableView:focus, QCheckBox:focus, QRadioButton:focus {{
        outline: none; border: {ring}px solid {c.focus}; margin: 0;
    }}
    QPushButton[role="primary"]:focus, QPushButton:checked:focus,
    QToolButton:checked:focus {{
        border: {ring}px solid {c.text};
    }}
    QPushButton[role="link"]:focus, QPushButton[role="section"]:focus {{
        border: {ring}px solid {c.focus};
    }}
    QLineEdit, QPlainTextEdit, QComboBox, QDateTimeEdit, QSpinBox {{
        min-height: {TOUCH}px; padding: 0 10px; background: {c.card};
        border: {b}px solid {c.border}; border-radius: 8px; margin: {reserve}px;
        selection-background-color: {c.accent}; selection-color: {c.accent_text};
    }}
    QPlainTextEdit {{ padding: 6px 8px; }}
    QComboBox {{ combobox-popup: 0; }}
    QComboBox QAbstractItemView {{ background: {c.card}; min-height: {TOUCH}px; }}
    QComboBox QAbstractItemView::item {{ min-height: {TOUCH}px; padding: 0 10px; }}
    QDateTimeEdit::drop-down, QComboBox::drop-down {{ width: {TOUCH}px; border: none; }}
    QComboBox::down-arrow, QDateTimeEdit::down-arrow {{
        image: url({down}); width: 16px; height: 16px;
    }}
    QComboBox::down-arrow:disabled, QDateTimeEdit::down-arrow:disabled {{ image: none; }}
    /* A styled border leaves Qt drawing the step buttons of a number or time field as
       bare lines: give them their own room and arrows, each half the field's height. */
    QSpinBox, QTimeEdit {{ padding-right: {TOUCH}px; }}
    QSpinBox::up-button, QSpinBox::down-button, QTimeEdit::up-button,
    QTimeEdit::down-button {{
        subcontrol-origin: border; width: {TOUCH}px; border: none; background: transparent;
    }}
    QSpinBox::up-button, QTimeEdit::up-button {{ subcontrol-position: top right; }}
    QSpinBox::down-button, QTimeEdit::down-button {{ subcontrol-position: bottom right; }}
    QSpinBox::up-arrow, QTimeEdit::up-arrow {{ image: url({up}); width: 14px; height: 14px; }}
    QSpinBox::down-arrow, QTimeEdit::down-arrow {{
        image: url({down}); width: 14px; height: 14px;
    }}
    QSpinBox::up-arrow:disabled, QSpinBox::up-arrow:off, QTimeEdit::up-arrow:disabled,
    QTimeEdit::up-arrow:off, QSpinBox::down-arrow:disabled, QSpinBox::down-arrow:off,
    QTimeEdit::down-arrow:disabled, QTimeEdit::down-arrow:off {{ image: none; }}
    QCheckBox, QRadioButton {{
        min-height: {TOUCH}px; spacing: 12px; border: {ring}px solid transparent;
    }}
    QCheckBox::indicator, QRadioButton::indicator {{ width: 26px; height: 26px; }}
    QCheckBox::indicator {{
        border: {b + 1}px solid {c.muted}; border-radius: 5px; background: {c.card};
    }}
    QCheckBox::indicator:checked {{ background: {c.accent}; border-color: {c.accent};
        image: url({icon}); }}
    QRadioButton::indicator {{
        border: {b + 1}px solid {c.muted}; border-radius: 13px; background: {c.card};
    }}
    QRadioButton::indicator:checked {{
        background: qradialgradient(cx:0.5, cy:0.5, radius:0.5, fx:0.5, fy:0.5,
            stop:0 {c.accent}, stop:0.55 {c.accent}, stop:0.6 {c.card}, stop:1 {c.card});
        border-color: {c.accent};
    }}
    QListView, QTableView, QTreeView {{
        background: {c.card}; border: {b}px solid {c.border}; border-radius: 8px;
        margin: {reserve}px;
        selection-background-color: {c.selected}; selection-color: {c.text};
        alternate-background-color: {c.window};
    }}
    QListView::item, QTableView::item {{ min-height: {TOUCH}px; padding: 4px 8px; }}
    QHeaderView::section {{
        background: {c.window}; color: {c.muted}; border: none;
        border-bottom: {b}px solid {c.border}; padding: 8px; font-weight: 600;
    }}
    QTabBar::tab {{
        min-height: {TOUCH}px; padding: 0 18px; background: transparent;
        border: none; border-bottom: 3px solid transparent; color: {c.muted};
    }}
    QTabBar::tab:selected {{ color: {c.text}; border-bottom: 3px solid {c.accent};
        font-weight: 600; }}
    QTabWidget::pane {{ border: none; }}
    QTabBar {{ qproperty-drawBase: 0; }}
    QProgressBar {{
        min-height: 10px; max-height: 10px; border: none; border-radius: 5px;
        background: {c.border};
    }}
    QProgressBar::chunk {{ background: {c.accent}; border-radius: 5px; }}
    QScrollBar:vertical {{ width: {SCROLLBAR}px; background: transparent; }}
    QScrollBar::handle:vertical {{ background: {c.muted}; border-radius: 8px;
        min-height: {TOUCH}px; margin: 2px; }}
    QScrollBar:horizontal {{ height: {SCROLLBAR}px; background: transparent; }}
    QScrollBar::handle:horizontal {{ background: {c.muted}; border-radius: 8px;
        min-width: {TOUCH}px; margin: 2px; }}
    QScrollBar::add-line, QScrollBar::sub-line {{ width: 0; height: 0; }}
    {severity}
    """
