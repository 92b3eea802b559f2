"""The tables of Kinerja's PDF documents, laid out here rather than by fpdf2's table: fpdf2
breaks lines one character at a time, re-measuring the line at each one (the largest SKP took
8-9 s), and cannot split a row taller than a page (the largest evaluation answered 500). Here each
cell's text is wrapped once from the core font's widths, each line drawn with `text()`, and a row
taller than what is left of the page goes on over the next pages, the heading row repeated."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fpdf import FPDF

SIZE = 8.0  # pt, the tables' font size
LINE = 4.5  # mm between baselines (fpdf2's table used the same)
PAD = 1.0  # mm of white inside a cell, each side
MIN_LINES = 3  # a row is not begun at a page's foot with room for fewer lines than this
KEEP_LINES = 12  # a row of up to this many lines is not split: it goes whole to the next page
POINTS_PER_MM = 72 / 25.4


def wrap(text: str, width: float, widths: dict[str, int], size: float = SIZE) -> list[str]:
    """`text` as lines no wider than `width` mm in a core font of `size` pt whose character
    widths are `widths` (thousandths of the size). Breaks at white space; inside a word only when
    the word alone is wider than the line. Line breaks in the text are kept."""
    limit = width * POINTS_PER_MM * 1000 / size
    space = widths.get(" ", 278)
    measured: dict[str, int] = {}  # words repeat: measure each once
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line: list[str] = []
        used = 0
        for word in paragraph.split():
            size_of = measured.get(word)
            if size_of is None:
                size_of = measured[word] = sum(widths.get(c, 500) for c in word)
            needed = size_of if not line else used + space + size_of
            if needed <= limit:
                line.append(word)
                used = needed
                continue
            if line:
                lines.append(" ".join(line))
                line, used = [], 0
            if size_of <= limit:
                line, used = [word], size_of
                continue
            piece: list[str] = []  # a word wider than the line: cut it where it must
            piece_used = 0
            for char in word:
                char_width = widths.get(char, 500)
                if piece and piece_used + char_width > limit:
                    lines.append("".join(piece))
                    piece, piece_used = [], 0
                piece.append(char)
                piece_used += char_width
            line, used = ["".join(piece)], piece_used
        lines.append(" ".join(line))
    return lines


def draw(pdf: FPDF, rows: Sequence[Sequence[str]], columns: Sequence[float], head: bool) -> None:
    """`rows` (Latin-1 text) as a bordered table at the current position, the full width between
    the margins shared in the proportions of `columns`; the first row in bold, repeated on every
    page the table continues on, when `head`."""
    scale = (pdf.w - pdf.l_margin - pdf.r_margin) / sum(columns)
    widths = [c * scale for c in columns]
    bold, regular = _widths(pdf, "B"), _widths(pdf, "")
    heading = (
        [wrap(t, w - 2 * PAD, bold) for t, w in zip(rows[0], widths, strict=True)] if head else None
    )
    bottom = pdf.h - pdf.b_margin

    def segment(cells: list[list[str]], start: int, count: int, style: str) -> None:
        pdf.set_font("Helvetica", style=style, size=SIZE)
        height = count * LINE + 2 * PAD
        # fpdf2's cell puts the baseline at half the line plus 0.3 of the font's size
        first = pdf.y + PAD + LINE / 2 + 0.3 * SIZE / POINTS_PER_MM
        x = pdf.l_margin
        for width, lines in zip(widths, cells, strict=True):
            pdf.rect(x, pdf.y, width, height)
            _lines(pdf, x + PAD, first, lines[start : start + count])
            x += width
        pdf.set_y(pdf.y + height)

    def new_page() -> None:
        pdf.add_page()
        if heading is not None:
            segment(heading, 0, max(map(len, heading)), "B")

    if heading is not None:
        if _room(pdf.y, bottom) < max(map(len, heading)) + MIN_LINES:
            pdf.add_page()
        segment(heading, 0, max(map(len, heading)), "B")
    for values in rows[1:] if head else rows:
        cells = [wrap(t, w - 2 * PAD, regular) for t, w in zip(values, widths, strict=True)]
        total = max(map(len, cells))
        done = 0
        while done < total:
            room, left = _room(pdf.y, bottom), total - done
            # a short row is kept whole for the next page; a longer one fills this one
            if left > room and (room < MIN_LINES or (done == 0 and left <= KEEP_LINES)):
                new_page()
                continue
            count = min(left, room)
            segment(cells, done, count, "")
            done += count
    pdf.set_x(pdf.l_margin)


def _widths(pdf: FPDF, style: str) -> dict[str, int]:
    """The character widths of Helvetica in `style` (a core font: the documents' only one)."""
    from fpdf.fonts import CoreFont

    pdf.set_font("Helvetica", style=style, size=SIZE)
    font = pdf.current_font
    assert isinstance(font, CoreFont)
    return font.cw


def _lines(pdf: FPDF, x: float, y: float, lines: list[str]) -> None:
    """`lines` one under the other from the baseline `y`: the first through `text()` (which
    also selects the font on the page), the others in one text object moving down a line each
    (`T*`), at a fifth of the cost of a `text()` per line (the largest evaluation has 130,000)."""
    while lines and not lines[-1]:
        lines = lines[:-1]
    if not lines:
        return
    pdf.text(x, y, lines[0])
    if len(lines) > 1:
        font, k = pdf.current_font, pdf.k
        assert font is not None  # text() has just used it
        shown = " T* ".join(font.encode_text(line) for line in lines[1:])
        pdf._out(f"BT {x * k:.2f} {(pdf.h - y) * k:.2f} Td {LINE * k:.2f} TL T* {shown} ET")


def _room(y: float, bottom: float) -> int:
    """Lines that fit between `y` and `bottom` in one row segment."""
    return max(0, int((bottom - y - 2 * PAD) // LINE))
