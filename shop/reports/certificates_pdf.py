"""A purchase certificate as a PDF: ReportLab with its built-in Chinese font and a QR code of the verification link.

The font is ReportLab's STSong-Light (an Adobe CID font that PDF readers provide), so nothing has to be installed
on the server; its text is written in the UniGB-UCS2-H encoding, which text extraction maps back to Unicode.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

import segno
from flask_babel import gettext as _
from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import KeepTogether

from shop.core.money import format_fen
from shop.reports.certificates import Certificate, details, yuan

FONT = "STSong-Light"
QR_SIZE = 32 * mm
BODY = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=13)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8, leading=11, textColor=colors.HexColor("#555555"))
TITLE = ParagraphStyle("title", parent=BODY, fontSize=16, leading=22, spaceAfter=6)
HEADING = ParagraphStyle("heading", parent=BODY, fontSize=11, leading=16, spaceBefore=8, spaceAfter=4)
GRID = TableStyle([
    ("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 8),
    ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#999999")),
    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
    ("ALIGN", (-4, 1), (-1, -1), "RIGHT"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
])


@dataclass(frozen=True)
class Page:
    """What a certificate's page and PDF show besides the figures: the title, the verification link and its rule."""

    title: str
    verify_url: str
    rule: str


def _register_font() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _square(x: float, y: float, side: float, color: colors.Color) -> Rect:
    square = Rect(x, y, side, side)
    square.fillColor = color
    square.strokeColor = None  # no outline: neighbouring modules join without hairline gaps
    return square


def qr_drawing(url: str, size: float = QR_SIZE) -> Drawing:
    """The link's QR code as vector squares (no image to decode), with the quiet zone around it."""
    code = segno.make(url, error="m")
    matrix = code.matrix
    border = 4
    count = len(matrix) + 2 * border
    module = size / count
    drawing = Drawing(size, size)
    drawing.add(_square(0, 0, size, colors.white))
    for row, cells in enumerate(matrix):
        for column, dark in enumerate(cells):
            if dark:
                drawing.add(_square((column + border) * module, size - (row + border + 1) * module, module,
                                    colors.black))
    return drawing


def _refund(fen: int) -> str:
    return _amount(-fen) if fen else ""


def _amount(fen: int) -> str:
    # Without the ¥ sign: the columns say 元, and STSong-Light may not have a glyph for U+00A5.
    return format_fen(fen, symbol="")


def _lines_table(certificate: Certificate) -> Table:
    head = [_("Order"), _("Paid on"), _("Product"), _("Origin county"), _("Quantity"), _("Amount (yuan)"),
            _("Refunded (yuan)"), _("Net (yuan)")]
    rows: list[list[object]] = [head]
    for line in certificate.figures.lines:
        product = Paragraph(escape(f"{line.product} {line.spec}"), BODY)
        rows.append([line.order_number, line.paid_on.isoformat(), product, line.county, str(line.quantity),
                     _amount(line.gross_fen), _refund(line.refunded_fen), _amount(line.net_fen)])
    figures = certificate.figures
    rows.append([_("Total"), "", "", "", str(figures.units), _amount(figures.gross_fen),
                 _refund(figures.refunded_fen), _amount(figures.net_fen)])
    widths = [34 * mm, 19 * mm, 48 * mm, 22 * mm, 12 * mm, 22 * mm, 20 * mm, 22 * mm]
    table = Table(rows, repeatRows=1, colWidths=widths)
    table.setStyle(GRID)
    return table


def _counties_table(certificate: Certificate) -> Table:
    rows: list[list[object]] = [[_("Origin county"), _("Quantity"), _("Amount (yuan)"), _("Refunded (yuan)"),
                                _("Net (yuan)")]]
    for county in certificate.figures.counties:
        rows.append([f"{county.county}（{county.county_code}）", str(county.quantity), _amount(county.gross_fen),
                     _refund(county.refunded_fen), _amount(county.net_fen)])
    table = Table(rows, colWidths=[60 * mm, 20 * mm, 30 * mm, 30 * mm, 30 * mm])
    table.setStyle(GRID)
    return table


def _verification(certificate: Certificate, page: Page) -> Flowable:
    record = certificate.record
    text = [Paragraph(escape(_("Verification code: %(code)s", code=record.code)), BODY),
            Paragraph(escape(_("Check this certificate at %(url)s", url=page.verify_url)), BODY),
            Paragraph(escape(page.rule), SMALL)]
    table = Table([[qr_drawing(page.verify_url), text]], colWidths=[QR_SIZE + 4 * mm, None])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return KeepTogether([Spacer(1, 4 * mm), table])


def render_pdf(certificate: Certificate, page: Page) -> bytes:
    """The certificate as PDF bytes: holder, totals, lines, sums by county, and the verification code with its QR."""
    _register_font()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=12 * mm, rightMargin=12 * mm, topMargin=14 * mm,
                                 bottomMargin=14 * mm, title=page.title, author=_("Bangfu Market"))
    story: list[Flowable] = [Paragraph(escape(page.title), TITLE)]
    story += [Paragraph(escape(f"{label}：{value}"), BODY) for label, value in details(certificate, yuan)]
    story += [Paragraph(_("Purchases by product"), HEADING), _lines_table(certificate),
              Paragraph(_("Purchases by origin county"), HEADING), _counties_table(certificate),
              _verification(certificate, page)]
    document.build(story)
    return buffer.getvalue()


def qr_svg(url: str) -> str:
    """The link's QR code as an inline SVG element, for the certificate's page."""
    return str(segno.make(url, error="m").svg_inline(scale=4, title=url, svgclass="qr", lineclass=None))
