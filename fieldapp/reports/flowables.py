"""The building blocks reports are laid out with: paragraphs, tables, the findings box, photos.

Every text goes through `para`, which handles right-to-left text; every table may split
inside a row, so a very long answer runs on to the next page instead of stopping the
layout.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from fieldapp.core.forms import Outcome, Severity
from fieldapp.core.inspection import Attachment
from fieldapp.core.photos import PhotoFacts, facts_of
from fieldapp.reports.document import (
    CONTENT_WIDTH,
    HEADER_FILL,
    LEAST_ROWS,
    RULE,
    ZEBRA_FILL,
    ReportStyles,
    hyphenator,
)
from fieldapp.reports.i18n import SEVERITY_LABELS, Language, local, phrase
from fieldapp.reports.model import AttachmentSource
from fieldapp.reports.text import (
    base_is_rtl,
    facts_caption,
    has_rtl,
    markup,
    shape_rtl,
    visual_order,
)

#: Sober colours per severity, dark enough for white text and for black-and-white print;
#: the severity is always written out too, so colour is never the only signal.
SEVERITY_COLOURS: dict[Severity, colors.Color] = {
    Severity.INFO: colors.HexColor("#5f6b76"),
    Severity.ATTENTION: colors.HexColor("#1f4e79"),
    Severity.VIOLATION: colors.HexColor("#a35200"),
    Severity.SERIOUS: colors.HexColor("#a4262c"),
    Severity.IMMEDIATE_CLOSURE: colors.HexColor("#6b0f14"),
}
CALM = colors.HexColor("#2e6b3f")


def para(text: str, style: ParagraphStyle) -> Flowable:
    """A paragraph of plain text (not markup); right-to-left text is shaped and reordered."""
    if has_rtl(text):
        return BidiParagraph(text, style)
    return Paragraph(markup(text), style)


class BidiParagraph(Flowable):
    """Text with Arabic or Hebrew in it: broken into lines first, then each line reordered.

    The Unicode bidi algorithm works per line, so lines are found in logical order (with
    the letters already in their joined forms, whose widths are those drawn) and each is
    then put in visual order. A paragraph that starts right-to-left is set flush right.
    """

    def __init__(self, text: str, style: ParagraphStyle) -> None:
        super().__init__()
        self.text = text.replace("\r\n", "\n")
        self.style = style
        self._inner: Paragraph | None = None

    def _build(self, width: float) -> Paragraph:
        rtl = base_is_rtl(self.text)
        shaped = shape_rtl(self.text)
        lines: list[str] = []
        for paragraph in shaped.split("\n"):
            found = simpleSplit(paragraph, self.style.fontName, self.style.fontSize, width)
            lines.extend(found or [""])
        style = self.style
        if rtl:
            style = ParagraphStyle(f"{style.name}-rtl", parent=style, alignment=TA_RIGHT)
        visual = [markup(visual_order(line, rtl)) for line in lines]
        return Paragraph("<br/>".join(visual), style)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._inner = self._build(availWidth)
        return self._inner.wrap(availWidth, availHeight)

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        inner = self._inner or self._build(availWidth)
        return list(inner.split(availWidth, availHeight))

    def draw(self) -> None:
        assert self._inner is not None
        self._inner.drawOn(self.canv, 0, 0)


def table_style(styles: ReportStyles, commands: Sequence[Any]) -> TableStyle:
    """Table commands with our font for plain-text cells.

    reportlab's default cell font is Helvetica, which is never embedded; even an empty
    string cell would pull it into the PDF.
    """
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), styles.fonts.regular), *commands])


def key_value_table(
    rows: Sequence[tuple[str, str | Flowable]],
    styles: ReportStyles,
    label_width: float = 0.36,
    width: float = CONTENT_WIDTH,
) -> Table:
    """Label and value per line, the way answers and header facts are shown."""
    data = [
        [
            para(label, styles.label),
            value if isinstance(value, Flowable) else para(value, styles.cell),
        ]
        for label, value in rows
    ]
    table = Table(
        data,
        colWidths=[width * label_width, width * (1 - label_width)],
        hAlign="LEFT",
        splitInRow=1,
    )
    table.setStyle(
        table_style(
            styles,
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ],
        )
    )
    return table


#: The left and right padding of a grid table's cells, in points.
CELL_PADDING = 3
#: Where a word may break, shown as a hyphen only when it does (reportlab's
#: `embeddedHyphenation`).
SOFT_HYPHEN = "\u00ad"


def _header_cell(
    text: str, room: float, right: bool, place: bool, styles: ReportStyles
) -> Flowable:
    """A column header that breaks between words, and inside a word only when the word is
    wider than its column (`room` points), then at a hyphenation point, with a hyphen.

    The points are marked in the text as soft hyphens (pyphen's, for the report's language;
    a `place`, a Dutch name, as Dutch). reportlab's own hyphenation, which these replace,
    hyphenated a word that fits the next line whole ("Personen (pro-" / "actief)"), and
    found no point in a word that starts with a parenthesis: "(Weimarstraat)" was cut
    where the line ended, "(Weima" / "rstraat)"."""
    style = styles.header_cell_right if right else styles.header_cell
    language = "nl" if place else styles.language
    words = [
        word
        if stringWidth(word, style.fontName, style.fontSize) <= room
        else _soft_hyphens(word, language)
        for word in text.split(" ")
    ]
    return para(" ".join(words), style)


def _soft_hyphens(word: str, language: Language) -> str:
    """`word` with a soft hyphen at each hyphenation point; none beside a hyphen of its own
    ("Scheveningen-Bad" breaks at its hyphen once, not as "Scheveningen-" / "-Bad")."""
    dictionary = hyphenator(language)
    return "-".join(dictionary.inserted(part, hyphen=SOFT_HYPHEN) for part in word.split("-"))


class GridTable(Table):
    """A table with a repeated header that, when it breaks across pages, leaves at least
    `LEAST_ROWS` body rows on each page where it can: not its header and one row at the
    foot of a page, nor its last row alone on the next.

    Where it cannot, it breaks as reportlab does: at the top of a page; under headings it
    is kept with (`_KeptWithNext` set `after_headings`, and a heading must not stand
    alone); and where the room left is a third of a page or more, so rows that tall are
    split inside a row rather than leave that room blank. (reportlab's own `rowSplitRange`
    is no help: it is recomputed for each kind of style command when the rest of a broken
    table is made, and is wrong after the first break.)"""

    #: Set on a table that follows headings kept with it: it begins under them regardless.
    after_headings = False

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        parts: list[Flowable] = super().split(availWidth, availHeight)
        if len(parts) != 2:
            return parts
        first, rest = (len(getattr(part, "_cellvalues", ())) for part in parts)
        begun, left = first - self.repeatRows, rest - self.repeatRows
        if begun < LEAST_ROWS:
            return [] if self._may_wait(availHeight) else parts
        short = LEAST_ROWS - left
        if short <= 0:
            return parts
        if begun - short >= LEAST_ROWS:
            # Break that many rows earlier, so the last rows do not go on alone.
            heights: list[float] = getattr(self, "_rowHeights", [])
            kept = sum(heights[: first - short])
            if kept > 0:
                return list(super().split(availWidth, kept + 0.01))
        return [] if self._may_wait(availHeight) else parts

    def _may_wait(self, availHeight: float) -> bool:
        """Whether the whole table may begin on the next page instead of breaking here."""
        frame = getattr(self, "_frame", None)
        if frame is None or getattr(frame, "_atTop", False) or self.after_headings:
            return False
        page: float = frame._aH
        heights: list[float] = getattr(self, "_rowHeights", [])
        needed = sum(heights[: self.repeatRows + LEAST_ROWS])
        return needed <= page and availHeight < page / 3


def grid_table(
    header: Sequence[str],
    rows: Sequence[Sequence[str | Flowable]],
    styles: ReportStyles,
    widths: Sequence[float],
    right_aligned: Sequence[int] = (),
    total_row: bool = False,
    places: Collection[int] = (),
) -> Table:
    """A table with a header row repeated on every page and light banding; the headers of
    the columns in `places` are names of places (see `_header_cell`)."""
    scale = CONTENT_WIDTH / sum(widths) if sum(widths) > CONTENT_WIDTH else 1.0
    header_cells = [
        _header_cell(
            text, width * scale - 2 * CELL_PADDING, index in right_aligned, index in places, styles
        )
        for index, (text, width) in enumerate(zip(header, widths, strict=True))
    ]
    body: list[list[Flowable]] = []
    for row in rows:
        cells: list[Flowable] = []
        for index, cell in enumerate(row):
            if isinstance(cell, Flowable):
                cells.append(cell)
            else:
                style = styles.cell_right if index in right_aligned else styles.cell
                cells.append(para(cell, style))
        body.append(cells)
    table = GridTable(
        [header_cells, *body],
        colWidths=[width * scale for width in widths],
        repeatRows=1,
        hAlign="LEFT",
        splitInRow=1,
    )
    commands: list[Any] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, RULE),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    for index in range(2, len(body) + 1, 2):
        commands.append(("BACKGROUND", (0, index), (-1, index), ZEBRA_FILL))
    if total_row and body:
        commands.append(("LINEABOVE", (0, -1), (-1, -1), 0.6, RULE))
    table.setStyle(table_style(styles, commands))
    return table


def outcome_box(
    outcomes: Sequence[Outcome],
    styles: ReportStyles,
    language: Language,
    title: str | None = None,
) -> Flowable:
    """The findings, most severe first, each with its severity written and coloured."""
    title_text = title or phrase("outcomes", language)
    rows: list[list[Flowable]] = []
    commands: list[Any] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BOX", (0, 0), (-1, -1), 0.8, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 5),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ("SPAN", (0, 0), (-1, 0)),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
    ]
    rows.append([para(title_text, styles.cell_bold), Spacer(0, 0)])
    if not outcomes:
        rows.append([para(phrase("no_outcomes", language), styles.cell), Spacer(0, 0)])
        commands.append(("SPAN", (0, 1), (-1, 1)))
        commands.append(("LINEBEFORE", (0, 1), (0, 1), 3, CALM))
    for index, outcome in enumerate(outcomes, start=1):
        severity = Severity(outcome.severity)
        badge = para(local(SEVERITY_LABELS[severity], language), styles.badge)
        parts: list[Flowable] = [para(local(outcome.label, language), styles.cell_bold)]
        if outcome.explanation:
            parts.append(para(local(outcome.explanation, language), styles.note))
        rows.append([badge, parts])  # type: ignore[list-item]
        commands.append(("BACKGROUND", (0, index), (0, index), SEVERITY_COLOURS[severity]))
        commands.append(("LINEBELOW", (0, index), (-1, index), 0.25, RULE))
    table = Table(rows, colWidths=[32 * mm, CONTENT_WIDTH - 32 * mm], hAlign="LEFT", splitInRow=1)
    table.setStyle(table_style(styles, commands))
    return table


# -- photos --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Figure:
    """A photo or signature to show: its hash, where it belongs, and its caption; for a
    photo, its entry in the version (when and where it was taken, its original)."""

    sha256: str
    caption: str
    entry: Attachment | None = None


@dataclass(frozen=True, slots=True)
class PreparedImage:
    """An image ready to embed: a JPEG that goes into the PDF as it is, or line art as pixels.

    Either way reportlab never decodes it again: a JPEG is copied into the PDF (the reader
    decodes it), and line art's RGB pixels are only compressed losslessly.
    """

    width: int
    height: int
    #: The JPEG file (no metadata in it); empty for line art.
    jpeg: bytes = b""
    #: Line art's RGB pixels, row by row; empty for a photo.
    pixels: bytes = b""

    @property
    def key(self) -> str:
        """Names the image in the PDF; the same image drawn twice is embedded once."""
        digest = hashlib.sha256(self.jpeg or self.pixels).hexdigest()
        return f"fieldapp-image-{self.width}x{self.height}-{digest}"


class ImageProblem(Exception):
    """An attachment that cannot be shown; the message is for the reader."""


#: A JPEG up to this many times its printed size in pixels goes in without being decoded:
#: scaling it down would save bytes but cost a decode, a resize, an encode and a
#: generation of JPEG loss, and the extra pixels sharpen zooming.
KEEP_SIZE_UP_TO = 2.0
#: An image that is decoded anyway is scaled down above this many times its printed size.
SCALE_DOWN_ABOVE = 1.5


def prepare_image(raw: bytes, longest_side: int, *, line_art: bool = False) -> PreparedImage:
    """A photo made fit for a report: upright, RGB on white, scaled down, metadata removed.

    Camera photos carry EXIF (often the GPS position and the device) and may be 12
    megapixels; a report needs neither. An upright RGB JPEG about the printed size keeps
    its picture untouched and loses its metadata segments, without being decoded; any other
    image is decoded (a JPEG at a reduced scale), turned upright, flattened onto white
    (PDF/A-1 forbids transparency and printers mishandle it), scaled down and re-encoded,
    which leaves all metadata behind. Signatures are line art and stay lossless (their
    pixels, compressed without loss in the PDF).
    """
    try:
        with PILImage.open(io.BytesIO(raw)) as opened:
            if not line_art and _keeps_its_picture(opened, longest_side):
                plain = without_metadata(raw)
                if plain is not None:
                    return PreparedImage(opened.width, opened.height, jpeg=plain)
            if opened.format == "JPEG":
                # Let the decoder skip detail we would throw away: far faster on big photos.
                opened.draft("RGB", _printed_size(opened.size, longest_side))
            image = ImageOps.exif_transpose(opened)
            if image.mode in ("RGBA", "LA", "P", "PA"):
                rgba = image.convert("RGBA")
                flat = PILImage.new("RGB", rgba.size, (255, 255, 255))
                flat.paste(rgba, mask=rgba.getchannel("A"))
                image = flat
            elif image.mode != "RGB":
                image = image.convert("RGB")
            if max(image.size) > longest_side * SCALE_DOWN_ABOVE:
                image.thumbnail((longest_side, longest_side), PILImage.Resampling.BICUBIC)
            if line_art:
                return PreparedImage(image.width, image.height, pixels=image.tobytes())
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=85, optimize=False, progressive=False)
            return PreparedImage(image.width, image.height, jpeg=out.getvalue())
    except (UnidentifiedImageError, OSError, ValueError) as error:
        raise ImageProblem(str(error)) from error


def _printed_size(size: tuple[int, int], longest_side: int) -> tuple[int, int]:
    """The pixel size the image is printed at, for the JPEG decoder's reduced scale (which
    stays at or above it in both directions)."""
    width, height = size
    scale = longest_side / max(width, height, 1)
    return max(1, int(width * scale)), max(1, int(height * scale))


#: EXIF's orientation tag; 1 is upright.
_ORIENTATION = 0x0112


def _keeps_its_picture(image: PILImage.Image, longest_side: int) -> bool:
    """An upright baseline RGB JPEG, at most `KEEP_SIZE_UP_TO` times the printed size."""
    if image.format != "JPEG" or image.mode != "RGB" or "progressive" in image.info:
        return False
    if image.getexif().get(_ORIENTATION, 1) != 1:
        return False
    return max(image.size) <= longest_side * KEEP_SIZE_UP_TO


#: Start of image, end of image, start of scan, comment; APP0 to APP15 are 0xE0 to 0xEF.
_SOI, _EOI, _SOS, _COM = b"\xff\xd8", b"\xff\xd9", 0xDA, 0xFE
_APP0, _APP14, _APP15 = 0xE0, 0xEE, 0xEF
#: Start of frame markers are C0 to CF, but for C4 (Huffman tables), C8 and CC.
_SOF_FIRST, _SOF_LAST, _NOT_FRAMES = 0xC0, 0xCF, (0xC4, 0xC8, 0xCC)
#: Baseline and extended sequential Huffman frames.
_PLAIN_FRAMES = (0xC0, 0xC1)


def without_metadata(jpeg: bytes) -> bytes | None:
    """The JPEG file with its application segments (EXIF, XMP, ICC, Photoshop, maker
    notes, previews) and comments cut out, and nothing after its end; the picture's own
    segments are copied byte for byte. Kept are JFIF without a thumbnail, and Adobe's
    (APP14), which says how the colours are coded. None for a file this does not follow.
    """
    if not jpeg.startswith(_SOI):
        return None
    kept = [_SOI]
    at = len(_SOI)
    while at + 4 <= len(jpeg):
        if jpeg[at] != 0xFF:
            return None
        marker = jpeg[at + 1]
        if marker == 0xFF:  # fill byte before a marker
            at += 1
            continue
        end = at + 2 + int.from_bytes(jpeg[at + 2 : at + 4], "big")
        if end <= at + 3 or end > len(jpeg):
            return None
        if marker == _SOS:
            # The coded picture runs to the end of image: in it, 0xFF is always followed by
            # 0x00 or a restart marker, so the first FF D9 is the end.
            finish = jpeg.find(_EOI, end)
            if finish < 0:
                return None
            kept.append(jpeg[at : finish + len(_EOI)])
            return b"".join(kept)
        segment = jpeg[at:end]
        if _SOF_FIRST <= marker <= _SOF_LAST and marker not in _NOT_FRAMES:
            # Only what every PDF reader draws as DCTDecode: 8-bit baseline (or extended)
            # Huffman coding, its colours in YCbCr as readers assume. Arithmetic coding,
            # 12 bits or components named R, G, B go the decoding way instead.
            if marker not in _PLAIN_FRAMES or segment[4] != 8:
                return None
            if segment[10 : 10 + 3 * segment[9] : 3] == b"RGB":
                return None
        if marker == _APP0:
            if segment[4:9] == b"JFIF\x00" and segment[16:18] == b"\x00\x00":
                kept.append(segment)
        elif marker == _APP14 or not (_APP0 < marker <= _APP15 or marker == _COM):
            kept.append(segment)
        at = end
    return None


class EmbeddedImage(Flowable):
    """A prepared image drawn at a given size.

    reportlab's own `Image` flowable decodes every JPEG into pixels once more, only to name
    it by an MD5 of those pixels, and then embeds the JPEG's bytes anyway; with eight photos
    that was a third of a report's time. This one hands `Canvas.drawImage` what it asks of
    an image straight from the prepared bytes.
    """

    def __init__(self, image: PreparedImage, width: float, height: float) -> None:
        super().__init__()
        self.image = image
        self.width = width
        self.height = height
        self.hAlign = "LEFT"

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas: Canvas = self.canv
        canvas.drawImage(_CanvasImage(self.image), 0, 0, self.width, self.height, mask=None)


class _CanvasImage:
    """The face of an image `Canvas.drawImage` reads: its name (`str`), and either an open
    JPEG (`jpeg_fh`) or its size and pixels; see reportlab's `PDFImageXObject`."""

    mode = "RGB"

    def __init__(self, image: PreparedImage) -> None:
        self._image = image

    def __str__(self) -> str:
        return self._image.key

    def jpeg_fh(self) -> io.BytesIO | None:
        return io.BytesIO(self._image.jpeg) if self._image.jpeg else None

    def getSize(self) -> tuple[int, int]:
        return self._image.width, self._image.height

    def getRGBData(self) -> bytes:
        return self._image.pixels


def load_image(
    source: AttachmentSource,
    sha256: str,
    longest_side: int,
    language: Language,
    *,
    line_art: bool = False,
) -> tuple[PreparedImage | None, str, PhotoFacts]:
    """The image by its hash (or None with the reason it cannot be shown), and what the
    original says about when and where it was taken (read before its metadata is
    stripped for the report)."""
    try:
        raw = source(sha256)
    except (KeyError, OSError, FileNotFoundError):
        return None, phrase("photo_missing", language), PhotoFacts()
    note = ""
    if hashlib.sha256(raw).hexdigest() != sha256:
        note = phrase("photo_hash_mismatch", language)
    facts = PhotoFacts() if line_art else facts_of(raw)
    try:
        return prepare_image(raw, longest_side, line_art=line_art), note, facts
    except ImageProblem:
        return None, phrase("photo_unreadable", language), facts


def original_caption(entry: Attachment | None, language: Language) -> str:
    """For a photo with marks drawn on it: that it is marked, and which photo is the one
    as taken (kept with the inspection)."""
    if entry is None or entry.original is None:
        return ""
    return phrase("photo_marked", language, sha=f"{entry.original[:16]}…")


class _Placeholder(Flowable):
    """A grey frame where a photo should be, saying why it is not there."""

    def __init__(self, width: float, height: float, text: str, styles: ReportStyles) -> None:
        super().__init__()
        self.width = width
        self.height = height
        self.text = text
        self.styles = styles

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas: Canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setDash(2, 2)
        canvas.rect(0, 0, self.width, self.height)
        canvas.restoreState()
        inner = Paragraph(markup(self.text), self.styles.caption)
        _, height = inner.wrap(self.width - 8, self.height)
        inner.drawOn(canvas, 4, (self.height - height) / 2)


def figure_flowable(
    figure: Figure,
    source: AttachmentSource,
    styles: ReportStyles,
    language: Language,
    box: tuple[float, float],
    *,
    line_art: bool = False,
) -> list[Flowable]:
    """One photo scaled to fit `box` (width, height), with its caption and hash below."""
    box_width, box_height = box
    # 200 dpi at the printed size: sharp on paper and when zoomed on screen, while a
    # 12-megapixel photo shrinks to a few hundred kilobytes.
    longest = int(max(box_width, box_height) / 72 * 200)
    prepared, note, facts = load_image(source, figure.sha256, longest, language, line_art=line_art)
    picture: Flowable
    if prepared is None:
        picture = _Placeholder(box_width, min(box_height, 30 * mm), note, styles)
        note = ""
    else:
        scale = min(box_width / prepared.width, box_height / prepared.height)
        picture = EmbeddedImage(prepared, prepared.width * scale, prepared.height * scale)
    caption = figure.caption
    caption_parts = [
        caption,
        facts_caption(facts, language, figure.entry),
        f"SHA-256 {figure.sha256[:16]}…",
        original_caption(figure.entry, language),
    ]
    if note:
        caption_parts.append(note)
    return [
        picture,
        Spacer(0, 1.5 * mm),
        para(" · ".join(part for part in caption_parts if part), styles.caption),
    ]


def photo_grid(
    figures: Sequence[Figure],
    source: AttachmentSource,
    styles: ReportStyles,
    language: Language,
    columns: int = 2,
) -> list[Flowable]:
    """Photos two by two, each kept with its caption; rows flow across pages."""
    gap = 6 * mm
    cell_width = (CONTENT_WIDTH - gap * (columns - 1)) / columns
    box = (cell_width, 62 * mm)
    flowables: list[Flowable] = []
    for start in range(0, len(figures), columns):
        chunk = figures[start : start + columns]
        cells: list[list[Flowable] | str] = [
            figure_flowable(figure, source, styles, language, box) for figure in chunk
        ]
        cells.extend("" for _ in range(columns - len(chunk)))
        widths: list[float] = []
        row: list[list[Flowable] | str] = []
        for index, cell in enumerate(cells):
            row.append(cell)
            widths.append(cell_width)
            if index < columns - 1:
                row.append("")
                widths.append(gap)
        table = Table([row], colWidths=widths, hAlign="LEFT")
        table.setStyle(
            table_style(
                styles,
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4 * mm),
                ],
            )
        )
        flowables.append(table)
    return flowables


def signature_flowable(
    figure: Figure,
    source: AttachmentSource,
    styles: ReportStyles,
    language: Language,
    signer: str = "",
) -> Flowable:
    """A signature with, under it, who signed in which role on which day."""
    parts = figure_flowable(figure, source, styles, language, (70 * mm, 28 * mm), line_art=True)
    if signer:
        parts.append(para(signer, styles.body))
    return KeepTogether(parts)
