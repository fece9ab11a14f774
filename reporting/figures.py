"""The plotly figures the app shows and the report prints, built from a ``ReportContext``."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go

from reporting.context import ReportContext
from scoring.bands import format_points

__all__ = ["BAND_COLOURS", "FIGURE_SIZE", "TIMELINE_ROWS", "build_figures", "plan_timeline"]

BAND_COLOURS = {
    "Starting": "#c8553d",
    "Emerging": "#e0a030",
    "Developing": "#d9c84a",
    "Established": "#6aa84f",
    "Leading": "#2e7d5b",
    None: "#b0b0b0",
}
"""One colour per band, the same in the app, the report and the legend."""
FIGURE_SIZE = (760, 420)
_FONT = {"family": "DejaVu Sans, Arial, sans-serif", "size": 12, "color": "#222"}
_CURRENT, _TARGET, _PREVIOUS = "#1f5f8b", "#7a7a7a", "#b07aa1"


def _layout(figure: go.Figure, title: str) -> go.Figure:
    """House style; the title is kept in ``layout.meta`` for the page or report to show beside the chart."""
    figure.update_layout(
        meta={"title": title},
        font=_FONT,
        paper_bgcolor="white",
        plot_bgcolor="white",
        margin={"l": 60, "r": 30, "t": 30, "b": 40},
        width=FIGURE_SIZE[0],
        height=FIGURE_SIZE[1],
        legend={"orientation": "h", "y": -0.12},
    )
    return figure


def radar(context: ReportContext) -> go.Figure:
    """Theme scores as a radar: current, target, and the previous assessment when there is one."""
    labels = [t.id for t in context.themes]
    closed = [*labels, labels[0]]

    def ring(values: list[float | None]) -> list[float | None]:
        return [*values, values[0]]

    figure = go.Figure()
    figure.add_trace(
        go.Scatterpolar(
            r=ring([t.target for t in context.themes]),
            theta=closed,
            name="Target",
            line={"color": _TARGET, "dash": "dash"},
        )
    )
    if context.theme_changes:
        before = {c.theme_id: c.before for c in context.theme_changes}
        figure.add_trace(
            go.Scatterpolar(
                r=ring([before.get(t) for t in labels]),
                theta=closed,
                name=f"Previous ({context.previous.started_on:%Y})" if context.previous else "Previous",
                line={"color": _PREVIOUS},
            )
        )
    figure.add_trace(
        go.Scatterpolar(
            r=ring([t.score for t in context.themes]),
            theta=closed,
            name="Current",
            fill="toself",
            fillcolor="rgba(31,95,139,0.18)",
            line={"color": _CURRENT, "width": 3},
        )
    )
    figure.update_polars(
        radialaxis={"range": [0, 100], "tickvals": [20, 40, 60, 80, 100], "angle": 90},
        angularaxis={"direction": "clockwise"},
    )
    return _layout(figure, "Theme scores against targets")


def bars(context: ReportContext) -> go.Figure:
    """One bar per theme coloured by its band, with the share of questions answered as its label."""
    themes = context.themes
    figure = go.Figure(
        go.Bar(
            x=[t.id for t in themes],
            y=[t.score or 0 for t in themes],
            marker={"color": [BAND_COLOURS.get(t.band, BAND_COLOURS[None]) for t in themes]},
            text=[f"{t.completeness:.0%}" if t.score is not None else "not started" for t in themes],
            textposition="outside",
            hovertext=[t.title for t in themes],
            showlegend=False,
        )
    )
    figure.add_trace(
        go.Scatter(
            x=[t.id for t in themes],
            y=[t.target for t in themes],
            mode="markers",
            name="Target",
            marker={"symbol": "line-ew-open", "size": 22, "color": "#333", "line": {"width": 2}},
        )
    )
    for name, colour in BAND_COLOURS.items():
        if name:
            figure.add_trace(go.Bar(x=[None], y=[None], name=name, marker={"color": colour}))
    figure.update_yaxes(range=[0, 110], tickvals=[0, 20, 40, 60, 80, 100], title="Score (0–100)", gridcolor="#e5e5e5")
    figure.update_layout(barmode="overlay")
    return _layout(figure, "Scores by theme (label: share of questions answered)")


def heatmap(context: ReportContext) -> go.Figure:
    """Question levels by theme: a row per theme, a cell per question; blanks where there is no level."""
    width = max(len(t.questions) for t in context.themes)
    rows = list(reversed(context.themes))
    levels = [[q.level for q in t.questions] + [None] * (width - len(t.questions)) for t in rows]
    text = [
        [
            (str(q.level) if q.level is not None else {"Not applicable": "n/a", "Don't know": "?"}.get(q.answer, ""))
            for q in t.questions
        ]
        + [""] * (width - len(t.questions))
        for t in rows
    ]
    figure = go.Figure(
        go.Heatmap(
            z=levels,
            x=[f"Q{n}" for n in range(1, width + 1)],
            y=[t.id for t in rows],
            text=text,
            texttemplate="%{text}",
            zmin=0,
            zmax=4,
            xgap=2,
            ygap=2,
            colorscale=[[0, "#f1e7d0"], [0.5, "#8fb9a8"], [1, "#1f5f8b"]],
            colorbar={"title": "Level", "tickvals": [0, 1, 2, 3, 4]},
        )
    )
    return _layout(figure, "Question levels by theme (n/a: not applicable, ?: don't know)")


def changes(context: ReportContext) -> go.Figure | None:
    """Trend lines with three or more assessments; otherwise points gained or lost per theme."""
    if len({p.assessment for p in context.trend}) >= 3:
        figure = go.Figure()
        for theme_id in dict.fromkeys(p.theme_id for p in context.trend):
            points = [p for p in context.trend if p.theme_id == theme_id]
            figure.add_trace(
                go.Scatter(
                    x=[p.date for p in points],
                    y=[p.score for p in points],
                    mode="lines+markers",
                    name="Overall" if theme_id == "overall" else theme_id,
                    line={"width": 4 if theme_id == "overall" else 1.5},
                )
            )
        figure.update_yaxes(range=[0, 100], title="Score (0–100)", gridcolor="#e5e5e5")
        return _layout(figure, "Theme scores over time")
    if all(c.delta is None for c in context.theme_changes):  # none, or scores on two different scales
        return None
    deltas = [c.delta or 0 for c in context.theme_changes]
    figure = go.Figure(
        go.Bar(
            x=[c.theme_id for c in context.theme_changes],
            y=deltas,
            marker={"color": ["#2e7d5b" if d > 0 else "#c8553d" if d < 0 else "#b0b0b0" for d in deltas]},
            text=[format_points(d, signed=True) for d in deltas],
            textposition="outside",
            showlegend=False,
        )
    )
    figure.update_yaxes(title="Change in points", zeroline=True, zerolinecolor="#333", gridcolor="#e5e5e5")
    return _layout(figure, "Change since the previous assessment")


TIMELINE_ROWS = 40
"""Actions the timeline shows at most: the open ones due soonest (the table lists every action)."""
_TIMELINE_MARKS = {  # colour and shape, so the kind of point does not rest on colour alone
    "Overdue": ("#b3261e", "x"),
    "Planned": ("#7a7a7a", "circle-open"),
    "In progress": (_CURRENT, "circle"),
    "Done": ("#2e7d5b", "diamond"),
}


def plan_timeline(rows: pd.DataFrame, today: date) -> go.Figure | None:
    """The due dates of the plan's actions (``scoring.plan.plan_rows``), a row per action from its start
    (when set) to its due date, marked overdue, planned, in progress or done; a line marks today. Only
    the ``TIMELINE_ROWS`` actions due soonest; None when no action has a due date."""
    dated = rows[rows["due_on"].notna() & (rows["status"] != "dropped")].head(TIMELINE_ROWS)
    if dated.empty:
        return None
    labels = [f"#{r.id} {r.title[:40]}" + ("…" if len(r.title) > 40 else "") for r in dated.itertuples()]
    kinds = ["Overdue" if r.overdue else r.status_label for r in dated.itertuples()]
    figure = go.Figure()
    for r, label in zip(dated.itertuples(), labels, strict=True):
        if r.start_on is not None and not pd.isna(r.start_on) and r.start_on < r.due_on:
            figure.add_trace(
                go.Scatter(
                    x=[r.start_on, r.due_on],
                    y=[label, label],
                    mode="lines",
                    line={"color": "#c9d6df", "width": 6},
                    showlegend=False,
                    hoverinfo="skip",
                )
            )
    for kind, (colour, symbol) in _TIMELINE_MARKS.items():
        picked = [n for n, k in enumerate(kinds) if k == kind]
        if picked:
            figure.add_trace(
                go.Scatter(
                    x=[dated["due_on"].iloc[n] for n in picked],
                    y=[labels[n] for n in picked],
                    mode="markers",
                    name=kind,
                    marker={"color": colour, "symbol": symbol, "size": 11, "line": {"width": 2, "color": colour}},
                    hovertext=[f"{dated['title'].iloc[n]} · due {dated['due_on'].iloc[n]:%d %b %Y}" for n in picked],
                    hoverinfo="text",
                )
            )
    figure.add_vline(x=today, line={"color": "#333", "dash": "dot"})
    figure.add_annotation(x=today, y=1.02, yref="paper", text="Today", showarrow=False)
    figure.update_yaxes(autorange="reversed", type="category", categoryorder="array", categoryarray=labels)
    margin = timedelta(days=20)
    starts = [d for d in dated["start_on"] if d is not None and not pd.isna(d)]
    earliest, latest = min([dated["due_on"].min(), today, *starts]), max(dated["due_on"].max(), today)
    figure.update_xaxes(gridcolor="#e5e5e5", range=[earliest - margin, latest + margin])
    _layout(figure, "Due dates of the plan's actions")
    figure.update_layout(height=max(FIGURE_SIZE[1], 120 + 24 * len(labels)), margin={"l": 260})
    return figure


def build_figures(context: ReportContext) -> dict[str, go.Figure]:
    """Every chart of the report, keyed like ``ReportContext.charts``."""
    figures = {"radar": radar(context), "bars": bars(context), "heatmap": heatmap(context)}
    change = changes(context)
    if change is not None:
        figures["changes"] = change
    return figures
