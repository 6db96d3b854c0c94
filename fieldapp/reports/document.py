"""The PDF every report shares: A4 pages, the styles, page x of y, and archival metadata.

Archived government records belong in PDF/A. reportlab has no PDF/A switch, so this module
adds what PDF/A-2b asks for and reportlab can express: every font embedded (subsets of the
shipped DejaVu faces, never the standard 14), an sRGB output intent with its ICC profile,
XMP metadata that repeats the document information (title, author, subject, dates) and
declares PDF/A-2B, a document id, no transparency and no encryption. Output is
deterministic: the creation date and the document id come from the input, so the same
input gives the same bytes.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache, partial
from typing import Any, cast
from xml.sax.saxutils import escape

import pyphen
from PIL import ImageCms
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Table,
)

from fieldapp import __version__
from fieldapp.reports.fonts import ReportFonts
from fieldapp.reports.i18n import PDF_LANGUAGE, Language, phrase

#: pyphen's dictionary per report language.
HYPHENATION = {"nl": "nl_NL", "en": "en_GB"}


@cache
def hyphenator(language: Language) -> pyphen.Pyphen:
    """pyphen's dictionary for a report language (loaded once: it is read from a file)."""
    return pyphen.Pyphen(lang=HYPHENATION[language])


PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_SIDE = 18 * mm
MARGIN_TOP = 20 * mm
MARGIN_BOTTOM = 22 * mm
#: The width the story can use.
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_SIDE

INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#555555")
RULE = colors.HexColor("#9aa5b1")
HEADER_FILL = colors.HexColor("#e6ebf0")
ZEBRA_FILL = colors.HexColor("#f5f7f9")
ACCENT = colors.HexColor("#1f3a5f")
DRAFT = colors.HexColor("#d98c8c")


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """What a PDF says about itself, and what every page repeats."""

    title: str
    author: str
    subject: str
    language: Language
    #: The creation date written into the file: taken from the input, never the clock.
    created_at: datetime
    #: Seeds the PDF's document id, e.g. the content hash of the version reported on.
    identifier: str
    keywords: tuple[str, ...] = ()
    #: Small text at the top of every page after the first.
    running_header: str = ""
    #: Lines at the foot of every page, left of "page x of y" (e.g. the content hash).
    footer_lines: tuple[str, ...] = ()
    #: Marked across every page when set: a report not (yet) approved says "CONCEPT".
    draft_mark: str = ""


class ReportStyles:
    """The paragraph styles of every report, in the shipped fonts."""

    def __init__(self, fonts: ReportFonts, language: Language = "nl") -> None:
        regular, bold = fonts.regular, fonts.bold
        self.fonts = fonts
        self.language = language
        self.body = ParagraphStyle(
            "body", fontName=regular, fontSize=9.5, leading=12.5, textColor=INK, spaceAfter=4
        )
        self.municipality = ParagraphStyle(
            "municipality", parent=self.body, fontName=bold, fontSize=10, textColor=ACCENT
        )
        self.kind = ParagraphStyle(
            "kind", parent=self.body, fontSize=9, textColor=MUTED, alignment=TA_RIGHT
        )
        self.title = ParagraphStyle(
            "title", parent=self.body, fontName=bold, fontSize=17, leading=21, spaceAfter=2
        )
        self.subtitle = ParagraphStyle(
            "subtitle", parent=self.body, fontSize=10.5, leading=14, textColor=MUTED, spaceAfter=8
        )
        self.h1 = ParagraphStyle(
            "h1",
            parent=self.body,
            fontName=bold,
            fontSize=12.5,
            leading=16,
            spaceBefore=12,
            spaceAfter=5,
            textColor=ACCENT,
            # Never a heading alone at the foot of a page.
            keepWithNext=1,
        )
        self.h2 = ParagraphStyle(
            "h2",
            parent=self.body,
            fontName=bold,
            fontSize=10.5,
            leading=14,
            spaceBefore=8,
            spaceAfter=3,
            keepWithNext=1,
        )
        self.cell = ParagraphStyle(
            "cell", parent=self.body, fontSize=8.8, leading=11.2, spaceAfter=0
        )
        self.cell_right = ParagraphStyle("cell_right", parent=self.cell, alignment=TA_RIGHT)
        self.cell_bold = ParagraphStyle("cell_bold", parent=self.cell, fontName=bold)
        self.label = ParagraphStyle("label", parent=self.cell, textColor=MUTED)
        # Column headers are narrow: a word too long for one breaks at a hyphenation point
        # of the report's language, never mid-syllable. The points are soft hyphens put in
        # by `flowables.grid_table` (reportlab's own hyphenation cut "(Weimarstraat)").
        self.header_cell = ParagraphStyle(
            "header_cell",
            parent=self.cell,
            fontName=bold,
            fontSize=8.3,
            leading=10.5,
            hyphenationLang="",
            embeddedHyphenation=1,
        )
        self.header_cell_right = ParagraphStyle(
            "header_cell_right", parent=self.header_cell, alignment=TA_RIGHT
        )
        self.caption = ParagraphStyle(
            "caption", parent=self.body, fontSize=7.8, leading=9.8, textColor=MUTED, spaceAfter=0
        )
        self.note = ParagraphStyle(
            "note", parent=self.body, fontSize=8.5, leading=11, textColor=MUTED
        )
        self.badge = ParagraphStyle(
            "badge",
            parent=self.cell,
            fontName=bold,
            fontSize=8,
            leading=10,
            textColor=colors.white,
        )
        self.mono = ParagraphStyle(
            "mono", parent=self.cell, fontName=fonts.mono, fontSize=7.6, leading=9.6
        )
        self.left = TA_LEFT


def keeps_with_next(flowable: Flowable) -> bool:
    """A heading: it belongs on the page of what follows it."""
    style = getattr(flowable, "style", None)
    return bool(getattr(flowable, "keepWithNext", 0) or getattr(style, "keepWithNext", 0))


def headings_kept_with_blocks(story: Sequence[Flowable]) -> list[Flowable]:
    """`story` with each run of headings (flowables kept with the next) that precedes a
    `KeepTogether` taken into it.

    reportlab keeps a heading with the next flowable, but not with a `KeepTogether`, which
    it may not nest: a section heading before a block kept together stood alone at the
    foot of a page when the block moved to the next ("Controles van personen" over a page
    of hit rates)."""
    folded: list[Flowable] = []
    for flowable in story:
        if isinstance(flowable, KeepTogether):
            run: list[Flowable] = []
            while folded and keeps_with_next(folded[-1]):
                run.insert(0, folded.pop())
            if run:
                held = vars(flowable)
                flowable = KeepTogether([*run, *held["_content"]], maxHeight=held["_maxHeight"])
        folded.append(flowable)
    return folded


def render_pdf(story: Sequence[Flowable], info: DocumentInfo, fonts: ReportFonts) -> bytes:
    """Lay out `story` on A4 pages and return the PDF bytes."""
    buffer = io.BytesIO()
    template = _OutlinedDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_SIDE,
        rightMargin=MARGIN_SIDE,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=info.title,
        author=info.author,
        subject=info.subject,
        creator=f"fieldapp {__version__}",
        invariant=1,
        initialFontName=fonts.regular,
        keepTogetherClass=_KeptWithNext,
        lang=PDF_LANGUAGE.pick(info.language),
    )
    frame = Frame(
        MARGIN_SIDE,
        MARGIN_BOTTOM,
        CONTENT_WIDTH,
        PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="content",
    )
    template.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    template.build(
        headings_kept_with_blocks(story),
        canvasmaker=partial(_ArchivalCanvas, info=info, fonts=fonts),
    )
    return buffer.getvalue()


#: Outline levels of the heading styles: a bookmark per section (h1) and part (h2).
OUTLINE_LEVELS = {"h1": 0, "h2": 1}


#: The fewest body rows a grid table leaves on a page when it breaks across pages.
LEAST_ROWS = 2


class _KeptWithNext(KeepTogether):
    """Headings kept with what follows them, as reportlab keeps them, except before a table
    taller than a page: reportlab moved such a table and its heading to the next page
    whenever the rest of this one could not hold it all, which it never can, leaving the
    rest of the page blank. It begins here when its headings, its header and its first
    `LEAST_ROWS` rows fit (see `flowables.GridTable`)."""

    def split(self, aW: float, aH: float) -> list[Flowable]:
        content: list[Flowable] = list(vars(self)["_content"])
        table = content[-1] if content else None
        frame = getattr(self, "_frame", None)
        if isinstance(table, Table) and table.repeatRows and frame is not None:
            self.wrap(aW, aH)
            if getattr(table, "_height", 0) > frame._aH and self._lead(aW, aH, frame) <= aH:
                table.after_headings = True  # type: ignore[attr-defined]
                return content
        parts: list[Flowable] = super().split(aW, aH)
        return parts

    def _lead(self, aW: float, aH: float, frame: Frame) -> float:
        """The height the headings and the table's header and first rows take here, with the
        space between them as the frame lays it out (the first heading's space before is
        already taken off `aH`; with attached space overlapping, of two spaces that meet
        only the larger counts)."""
        content: list[Flowable] = list(vars(self)["_content"])
        *headings, table = content
        overlap = bool(getattr(frame, "_oASpace", 0))
        total, after = 0.0, 0.0
        for index, flowable in enumerate([*headings, table]):
            before = flowable.getSpaceBefore() if index else 0.0
            total += max(before, after) if overlap else before + after
            if flowable is not table:
                total += flowable.wrap(aW, aH)[1]
                after = flowable.getSpaceAfter()
        rows: list[float] = getattr(table, "_rowHeights", [])
        repeated: int = getattr(table, "repeatRows", 0)
        return total + sum(rows[: repeated + LEAST_ROWS])


class _OutlinedDocTemplate(BaseDocTemplate):
    """Notes every heading with its page, so the canvas can write the PDF outline."""

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, Paragraph):
            level = OUTLINE_LEVELS.get(flowable.style.name)
            canvas = self.canv
            if level is not None and isinstance(canvas, _ArchivalCanvas):
                canvas.headings.append((self.page, level, flowable.getPlainText()))


class _ArchivalCanvas(Canvas):
    """A canvas that holds pages back until it knows their number, then writes the archive bits.

    "Page x of y" needs y; the usual reportlab pattern keeps each page's state and draws
    the running header and footer on all pages at save time.
    """

    def __init__(self, *args: Any, info: DocumentInfo, fonts: ReportFonts, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._info = info
        self._fonts = fonts
        self._held_pages: list[dict[str, Any]] = []
        #: (page, level, title) of every heading, for the outline written at save time.
        self.headings: list[tuple[int, int, str]] = []
        _make_archival(self, info)

    def showPage(self) -> None:
        self._held_pages.append(dict(self.__dict__))
        cast(Any, self)._startPage()

    def save(self) -> None:
        total = len(self._held_pages)
        headings = list(self.headings)
        depth = -1
        for number, state in enumerate(self._held_pages, start=1):
            self.__dict__.update(state)
            self._decorate(number, total)
            # Pages are written only now, so only now can a bookmark name its page.
            for index, (page, level, title) in enumerate(headings):
                if page != number:
                    continue
                key = f"heading-{index}"
                self.bookmarkPage(key)
                # An outline cannot skip a level (a part before any section).
                depth = min(level, depth + 1)
                self.addOutlineEntry(title, key, level=depth)
            Canvas.showPage(self)
        if headings:
            self.showOutline()
        Canvas.save(self)

    def _decorate(self, number: int, total: int) -> None:
        info, fonts = self._info, self._fonts
        self.saveState()
        self.setStrokeColor(RULE)
        self.setLineWidth(0.5)
        if number > 1 and info.running_header:
            top = PAGE_HEIGHT - MARGIN_TOP + 7 * mm
            self.setFillColor(MUTED)
            self.setFont(fonts.regular, 7.5)
            self.drawString(
                MARGIN_SIDE, top + 1.5 * mm, _fit(self, info.running_header, fonts.regular, 7.5)
            )
            self.line(MARGIN_SIDE, top, PAGE_WIDTH - MARGIN_SIDE, top)
        bottom = MARGIN_BOTTOM - 8 * mm
        self.line(MARGIN_SIDE, bottom + 4 * mm, PAGE_WIDTH - MARGIN_SIDE, bottom + 4 * mm)
        self.setFillColor(MUTED)
        self.setFont(fonts.regular, 8)
        self.drawRightString(
            PAGE_WIDTH - MARGIN_SIDE,
            bottom,
            phrase("page_of", info.language, page=number, pages=total),
        )
        if info.draft_mark:
            self._draft_mark(info.draft_mark)
        y = bottom
        for line in info.footer_lines:
            self.setFont(fonts.mono if _looks_like_hash(line) else fonts.regular, 6.8)
            self.drawString(MARGIN_SIDE, y, line)
            y -= 3.2 * mm
        self.restoreState()

    def _draft_mark(self, mark: str) -> None:
        """A large outlined word across the page, and the word again beside the page number:
        outlines only (PDF/A allows no transparency), so the content stays readable."""
        fonts = self._fonts
        self.saveState()
        self.setFillColor(DRAFT)
        self.setFont(fonts.bold, 9)
        self.drawRightString(PAGE_WIDTH - MARGIN_SIDE, PAGE_HEIGHT - 9 * mm, mark)
        self.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
        self.rotate(45)
        self.setStrokeColor(DRAFT)
        self.setLineWidth(0.8)
        text = self.beginText()
        text.setTextRenderMode(1)
        text.setFont(fonts.bold, 96)
        width = self.stringWidth(mark, fonts.bold, 96)
        text.setTextOrigin(-width / 2, -34)
        text.textOut(mark)
        self.drawText(text)
        self.restoreState()


def _fit(canvas: Canvas, text: str, font: str, size: float) -> str:
    """Shorten a running header with an ellipsis so it never runs off the page."""
    width = CONTENT_WIDTH
    if canvas.stringWidth(text, font, size) <= width:
        return text
    while text and canvas.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def _looks_like_hash(line: str) -> bool:
    return any(
        len(word) == 64 and all(c in "0123456789abcdef" for c in word) for word in line.split()
    )


# -- PDF/A ---------------------------------------------------------------------------------


class _ArchivalInfo(pdfdoc.PDFInfo):
    """The document information dictionary, with the fixed date and nothing XMP lacks."""

    def __init__(self, info: DocumentInfo, creator: str) -> None:
        super().__init__()
        self._info = info
        self._creator = creator

    def format(self, document: Any) -> bytes:
        info = self._info
        date = pdfdoc.PDFString(_pdf_date(info.created_at))
        entries = {
            "Title": pdfdoc.PDFString(info.title),
            "Author": pdfdoc.PDFString(info.author),
            "Subject": pdfdoc.PDFString(info.subject),
            "Keywords": pdfdoc.PDFString(", ".join(info.keywords)),
            "Creator": pdfdoc.PDFString(self._creator),
            "Producer": pdfdoc.PDFString(_PRODUCER),
            "CreationDate": date,
            "ModDate": date,
        }
        result: bytes = pdfdoc.PDFDictionary(entries).format(document)
        return result


_PRODUCER = "ReportLab PDF Library - www.reportlab.com"


def _make_archival(canvas: Canvas, info: DocumentInfo) -> None:
    """Give the canvas's document the pieces PDF/A-2b asks for that reportlab can express."""
    document: Any = cast(Any, canvas)._doc
    creator = f"fieldapp {__version__}"
    document.info = _ArchivalInfo(info, creator)
    # The id is derived from the input, so two renders of the same input are identical.
    digest = hashlib.sha256(f"fieldapp report\n{info.identifier}".encode()).digest()[:16]
    identifier = pdfdoc.PDFText(digest, enc="raw").format(pdfdoc.DummyDoc())
    document._ID = b"\n[" + identifier + identifier + b"]\n"
    catalog = document.Catalog
    xmp = pdfdoc.XMP(creator=lambda _doc: _xmp_packet(info, creator))
    catalog.Metadata = xmp
    profile = pdfdoc.PDFStream(
        dictionary=pdfdoc.PDFDictionary({"N": 3}),
        content=_srgb_profile(),
        filters=[pdfdoc.PDFZCompress],
    )
    intent = pdfdoc.PDFDictionary(
        {
            "Type": pdfdoc.PDFName("OutputIntent"),
            "S": pdfdoc.PDFName("GTS_PDFA1"),
            "OutputConditionIdentifier": pdfdoc.PDFString("sRGB"),
            "Info": pdfdoc.PDFString("sRGB IEC61966-2.1"),
            "DestOutputProfile": document.Reference(profile, "fieldappSRGBProfile"),
        }
    )
    # The catalog writes only the keys it lists; OutputIntents is not among them by default.
    catalog.OutputIntents = pdfdoc.PDFArray([intent])
    catalog.__NoDefault__ = [*type(catalog).__NoDefault__, "OutputIntents"]


def _pdf_date(moment: datetime) -> str:
    text = moment.strftime("D:%Y%m%d%H%M%S")
    offset = moment.utcoffset()
    if offset is None:
        return text
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"{text}{sign}{minutes // 60:02d}'{minutes % 60:02d}'"


def _xmp_date(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat()


def _xmp_packet(info: DocumentInfo, creator: str) -> bytes:
    def text(value: str) -> str:
        return escape(value)

    date = _xmp_date(info.created_at)
    xml_lang = PDF_LANGUAGE.pick(info.language)
    packet = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{text(info.title)}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{text(info.author)}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt>
    <rdf:li xml:lang="x-default">{text(info.subject)}</rdf:li>
   </rdf:Alt></dc:description>
   <dc:language><rdf:Bag><rdf:li>{xml_lang}</rdf:li></rdf:Bag></dc:language>
   <pdf:Producer>{text(_PRODUCER)}</pdf:Producer>
   <pdf:Keywords>{text(", ".join(info.keywords))}</pdf:Keywords>
   <xmp:CreatorTool>{text(creator)}</xmp:CreatorTool>
   <xmp:CreateDate>{date}</xmp:CreateDate>
   <xmp:ModifyDate>{date}</xmp:ModifyDate>
   <xmp:MetadataDate>{date}</xmp:MetadataDate>
   <pdfaid:part>2</pdfaid:part>
   <pdfaid:conformance>B</pdfaid:conformance>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    return packet.encode("utf-8")


def _srgb_profile() -> bytes:
    """LittleCMS's built-in sRGB profile, with its creation date fixed for repeatable output."""
    profile = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    # Bytes 24-35 of an ICC header hold the creation date and time (six big-endian shorts).
    profile[24:36] = bytes.fromhex("07ea00010001000000000000")  # 2026-01-01 00:00:00
    return bytes(profile)
