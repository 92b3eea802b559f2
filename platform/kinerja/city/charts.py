"""The comparison's charts as SVG, drawn by pygal on the server (no script in the page): the
ranking of agencies on one figure, and each agency's predikat distribution."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

import pygal
from pygal.style import Style

from kinerja.city.service import Row
from kinerja.presentation import formats

PREDIKAT = ("SANGAT_BAIK", "BAIK", "BUTUH_PERBAIKAN", "KURANG", "SANGAT_KURANG")
STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#212529",
    foreground_strong="#212529",
    foreground_subtle="#6c757d",
    colors=("#0b6e4f", "#55a630", "#f4a261", "#e76f51", "#9d0208"),
    font_family="system-ui, sans-serif",
    label_font_size=11,
    major_label_font_size=11,
    legend_font_size=11,
    title_font_size=13,
)


def _chart(kind: type, title: str, count: int, empty: str, **options: object) -> pygal.Graph:
    """`empty`: what the chart says when no agency has data for it (in the reader's language;
    pygal's own "No data" is English)."""
    return kind(
        title=title,
        no_data_text=empty,
        style=STYLE,
        js=[],  # no script from anywhere: the SVG is shown as an image
        disable_xml_declaration=False,
        width=720,
        height=max(240, 60 + 26 * count),
        print_values=False,
        truncate_label=40,
        value_formatter=formats.percent,  # every value charted is a percentage
        **options,
    )


# pygal writes its tooltip configuration as an inline <script> even without JS files; an image
# never runs it, and we drop it so the document carries no script at all.
_SCRIPT = re.compile(rb"<script\b.*?</script>", re.DOTALL)


def _svg(chart: pygal.Graph) -> bytes:
    return _SCRIPT.sub(b"", bytes(chart.render()))


def ranking(rows: Sequence[Row], figure: str, title: str, empty: str) -> bytes:
    """Agencies by one figure (a percentage), best first; agencies without it left out."""
    present = sorted(
        (r for r in rows if r.figures.get(figure) is not None),
        key=lambda r: r.figures[figure],
    )
    chart = _chart(
        pygal.HorizontalBar, title, len(present), empty, show_legend=False, range=(0, 100)
    )
    chart.x_labels = [r.name for r in present]
    chart.add(title, [r.figures[figure] for r in present])
    return _svg(chart)


def distribution(rows: Sequence[Row], title: str, words: dict[str, str], empty: str) -> bytes:
    """Each agency's annual predikat as shares of its evaluated employees (stacked to 100)."""
    present = [r for r in rows if sum((r.figures.get("predikat") or {}).values())]
    chart = _chart(pygal.HorizontalStackedBar, title, len(present), empty, legend_at_bottom=True)
    chart.x_labels = [r.name for r in present]
    for code in PREDIKAT:
        chart.add(
            words.get(code, code),
            [
                round(
                    100 * r.figures["predikat"].get(code, 0) / sum(r.figures["predikat"].values()),
                    1,
                )
                for r in present
            ],
        )
    return _svg(chart)


def over_time(rows: Sequence[Row], names: dict[str, str], title: str, empty: str) -> bytes:
    """The city's average of each tracked figure per day, from the agencies' histories."""
    by_day: dict[str, dict[str, list[float]]] = {}
    for row in rows:
        for point in row.figures.get("history", []):
            day = by_day.setdefault(point["day"], {})
            for name in names:
                if point.get(name) is not None:
                    day.setdefault(name, []).append(float(point[name]))
    days = sorted(by_day)
    chart = _chart(
        pygal.Line, title, 8, empty, legend_at_bottom=True, range=(0, 100), x_label_rotation=30
    )
    chart.height = 360
    chart.x_labels = [formats.day_month(date.fromisoformat(d)) for d in days]
    for name, label in names.items():
        per_day = [by_day[d].get(name) for d in days]
        chart.add(label, [round(sum(v) / len(v), 1) if v else None for v in per_day])
    return _svg(chart)
