"""Static pictures of the event table with matplotlib: a dyad's history and an actor's timeline.

The functions return a `matplotlib.figure.Figure` drawn on an Agg canvas (no display, no
global backend switch), so they work on servers and in tests; `save_figure` writes it.

>>> events = [{"event": "e1", "cameo": "138", "quad_class": 3, "goldstein": -7.0,
...            "date": "2026-01-08", "source": [{"iri": "a:usa", "code": "USA"}],
...            "target": [{"iri": "a:mex", "code": "MEX"}]}]
>>> fig = dyad_figure(events, "USA", "MEX")
>>> fig.axes[0].get_ylabel()
'Goldstein sum'
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kg.analytics import _period, actor_matches, dyad_series, timeline
from kg.errors import InputError
from kg.networks import Table, _actors_of, table_rows

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["dyad_figure", "timeline_figure", "save_figure", "TIMELINE_LABELS"]

QUAD_COLOURS = {1: "#2e9d44", 2: "#2f6fd6", 3: "#f08c00", 4: "#d62f2f", 0: "#999999"}
QUAD_NAMES = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict",
              4: "material conflict"}
_PERIOD_NAMES = {"D": "day", "W": "week", "M": "month"}
_BAR_DAYS = {"D": 0.8, "W": 5.0, "M": 24.0}


def _figure(width: float = 9.0, height: float = 4.8) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _date_axis(ax, first, last, right_pad: float = 0.05) -> None:  # noqa: ANN001 - Axes
    """Dates on the x axis from `first` to `last` (Timestamps), whole days at least."""
    import matplotlib.dates as mdates
    import pandas as pd

    span = max(last - first, pd.Timedelta(days=1))
    ax.set_xlim(first - max(span * 0.05, pd.Timedelta(days=1)),
                last + max(span * right_pad, pd.Timedelta(days=1)))
    if span <= pd.Timedelta(days=14):
        locator = mdates.DayLocator(interval=max(1, span.days // 7))
    else:
        locator = mdates.AutoDateLocator(minticks=3, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.set_xlabel("Date")


def _display_name(events: Table, name: str) -> str:
    """The label of the one actor `name` designates, else `name` itself (a country, say)."""
    labels = {a.get("label") or a["iri"] for row in table_rows(events)
              for role in ("source", "target") for a in _actors_of(row.get(role))
              if actor_matches(a, name)}
    return labels.pop() if len(labels) == 1 else name


#: With freq="auto", the finest period that keeps a dyad's history to at most this many bars.
_AUTO_MAX_PERIODS = 120


def dyad_figure(
    events: Table, source: str, target: str, freq: str = "auto", *,
    include_uncoded: bool = False
) -> Figure:
    """Goldstein sum (bars) and number of events (line) per period from `source` to `target`.

    `source`/`target` are actor IRIs, labels, actor codes or country codes; `freq` is "D",
    "W", "M" or "auto" (the finest of them giving at most 120 periods, so that a decade of
    sparse events is drawn by month, not as 500 hairline weeks); raises `InputError` when the
    dyad has no dated event.
    """
    import pandas as pd

    candidates = ("D", "W", "M") if freq == "auto" else (_period(freq),)
    for period in candidates:
        series = dyad_series(events, source, target, freq=period, include_uncoded=include_uncoded)
        if series.empty:
            raise InputError(f"no dated events from {source!r} to {target!r}; check the names "
                             "with `kg query actors_ranked_by_events`")
        if len(series) <= _AUTO_MAX_PERIODS:
            break
    fig = _figure()
    ax = fig.add_subplot()
    x = series.index.to_pydatetime()
    sums = series["goldstein_sum"].to_numpy()
    colours = [QUAD_COLOURS[1] if v >= 0 else QUAD_COLOURS[4] for v in sums]
    ax.bar(x, sums, width=_BAR_DAYS[period], color=colours, alpha=0.8, align="edge",
           label="Goldstein sum")
    ax.axhline(0, color="#444", linewidth=0.8)
    ax.set_ylabel("Goldstein sum")
    half = pd.Timedelta(days=_BAR_DAYS[period] / 2)
    _date_axis(ax, series.index[0], series.index[-1] + 2 * half)
    counts = ax.twinx()
    centres = (series.index + half).to_pydatetime()
    n_events = series["events"].to_numpy()
    counts.plot(centres, n_events, color="#333", linewidth=1.2, label="events")
    busy = n_events > 0  # markers only where something happened
    counts.plot(centres[busy], n_events[busy], linestyle="none", marker="o", color="#333",
                markersize=5)
    counts.set_ylabel("Events")
    counts.set_ylim(bottom=0)
    counts.yaxis.get_major_locator().set_params(integer=True)
    ax.set_title(f"{_display_name(events, source)} \u2192 {_display_name(events, target)}: "
                 f"Goldstein sum and events per {_PERIOD_NAMES[period]}")
    handles = ax.get_legend_handles_labels()[0] + counts.get_legend_handles_labels()[0]
    ax.legend(handles, [h.get_label() for h in handles], loc="lower center", ncols=2,
              bbox_to_anchor=(0.5, 1.07), fontsize="small", frameon=False)
    return fig


#: At most this many event labels on a timeline, placed where they overlap nothing.
TIMELINE_LABELS = 14
_LABEL_CHARS = 40


def _window(days, start=None, end=None):  # noqa: ANN001, ANN202 - pandas Series/Timestamps
    """The date range a timeline shows: `start`/`end` when given, else the range of the bulk
    of the events: a date mentioned in passing decades earlier (or later) than the rest is
    left out rather than squeezing everything else into one column."""
    import pandas as pd

    if start is not None or end is not None:
        return (pd.Timestamp(start) if start is not None else days.min(),
                pd.Timestamp(end) if end is not None else days.max())
    lo, hi = days.quantile(0.1), days.quantile(0.9)
    reach = max(hi - lo, pd.Timedelta(days=30)) * 2
    return max(days.min(), lo - reach), min(days.max(), hi + reach)


def _overlaps(box, boxes) -> bool:  # noqa: ANN001 - matplotlib Bbox
    return any(box.overlaps(other) for other in boxes)


def _place_labels(fig, ax, points, limit: int) -> int:  # noqa: ANN001 - Figure, Axes
    """Label `points` (x, y, text), most important first, skipping any label that would
    overlap a label already placed or leave the axes; returns how many were placed."""
    renderer = fig.canvas.get_renderer()
    fig.draw_without_rendering()
    area = ax.get_window_extent(renderer)
    placed: list = []
    for x, y, text in points:
        if len(placed) >= limit:
            break
        for dx, dy, ha in ((6, 5, "left"), (6, -12, "left"), (-6, 5, "right"),
                           (-6, -12, "right")):
            note = ax.annotate(text, (x, y), xytext=(dx, dy), textcoords="offset points",
                               fontsize=8, color="#222", ha=ha,
                               bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                                     "alpha": 0.6})
            box = note.get_window_extent(renderer).expanded(1.05, 1.15)
            inside = (box.x0 >= area.x0 and box.x1 <= area.x1 and box.y0 >= area.y0
                      and box.y1 <= area.y1)
            if inside and not _overlaps(box, placed):
                placed.append(box)
                break
            note.remove()
    return len(placed)


def timeline_figure(events: Table, actor: str, *, include_uncoded: bool = False,
                    start=None, end=None) -> Figure:  # noqa: ANN001 - dates
    """The actor's events as points (date, Goldstein score), coloured by QuadClass; events on
    the same day with the same score are one larger point. At most `TIMELINE_LABELS` points are
    labelled (CAMEO code and name; the most extreme scores first), never overlapping. The date
    axis covers `start`..`end`, else the bulk of the events (the title says how many fall
    outside); raises `InputError` when there is no dated event."""
    import pandas as pd

    from kg.codes import load_cameo

    frame = timeline(events, actor, include_uncoded=include_uncoded).dropna(subset=["date"])
    if frame.empty:
        raise InputError(f"no dated events of {actor!r}; check the name with "
                         "`kg query actors_ranked_by_events`")
    first, last = _window(frame["date"], start, end)
    outside = int((~frame["date"].between(first, last)).sum())
    frame = frame[frame["date"].between(first, last)]
    if frame.empty:
        raise InputError(f"no events of {actor!r} between {first.date()} and {last.date()}")
    names = {code: c.name for code, c in load_cameo().items()}
    frame = frame.assign(goldstein=frame["goldstein"].astype(float).fillna(0.0),
                         quad=frame["quad_class"].fillna(0).astype(int),
                         code=frame["cameo"].fillna(""))
    points = (frame.groupby(["date", "goldstein", "quad", "code"], dropna=False)
              .size().reset_index(name="n"))
    fig = _figure(10.0, 5.5)
    ax = fig.add_subplot()
    for q, name in [*QUAD_NAMES.items(), (0, "no quad class")]:
        part = points[points["quad"] == q]
        if not part.empty:
            ax.scatter(part["date"].dt.to_pydatetime(), part["goldstein"],
                       s=30 + 25 * part["n"].clip(upper=12), color=QUAD_COLOURS.get(q, "#999"),
                       label=name, zorder=3, edgecolors="white", linewidths=0.8, alpha=0.85)
    ax.axhline(0, color="#444", linewidth=0.8)
    ax.set_ylim(-11, 11)
    ax.set_ylabel("Goldstein score")
    _date_axis(ax, first, last)
    order = points.assign(weight=points["goldstein"].abs() * 10 + points["n"]).sort_values(
        ["weight", "date"], ascending=[False, True], kind="stable")
    labels = []
    for row in order.itertuples():
        text = f"{row.code} {names.get(row.code, '')}".strip() or "uncoded"
        if len(text) > _LABEL_CHARS:
            text = text[:_LABEL_CHARS - 1] + "\u2026"
        labels.append((row.date.to_pydatetime(), row.goldstein,
                       text + (f" \u00d7{row.n}" if row.n > 1 else "")))
    n_events = len(frame)
    title = f"Events of {_display_name(events, actor)}: {n_events}"
    if outside:
        title += (f" from {first.date()} to {last.date()} ({outside} outside; "
                  "--from/--to to choose)")
    ax.set_title(title, fontsize=11)
    legend = ax.legend(loc="lower left", fontsize="small", framealpha=0.9)
    for handle in legend.legend_handles:
        handle.set_sizes([40])
    ax.grid(axis="y", alpha=0.3)
    fig.canvas.draw()
    _place_labels(fig, ax, labels, TIMELINE_LABELS)
    return fig


def save_figure(fig: Figure, out: str | Path) -> Path:
    """Write the figure as PNG (or the format of `out`'s suffix); returns the path."""
    path = Path(out)
    fig.savefig(path, dpi=100)
    return path
