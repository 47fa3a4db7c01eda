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

__all__ = ["dyad_figure", "timeline_figure", "save_figure"]

QUAD_COLOURS = {1: "#2e9d44", 2: "#2f6fd6", 3: "#f08c00", 4: "#d62f2f"}
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


def timeline_figure(events: Table, actor: str, *, include_uncoded: bool = False) -> Figure:
    """The actor's events as points (date, Goldstein score), coloured by QuadClass and
    labelled with their CAMEO code and name; raises `InputError` when there is none."""
    from kg.codes import load_cameo

    frame = timeline(events, actor, include_uncoded=include_uncoded).dropna(subset=["date"])
    if frame.empty:
        raise InputError(f"no dated events of {actor!r}; check the name with "
                         "`kg query actors_ranked_by_events`")
    names = {code: c.name for code, c in load_cameo().items()}
    fig = _figure(10.0, 5.5)
    ax = fig.add_subplot()
    frame = frame.assign(goldstein=frame["goldstein"].astype(float).fillna(0.0))
    for q in (1, 2, 3, 4):
        part = frame[frame["quad_class"] == q]
        if not part.empty:
            ax.scatter(part["date"].dt.to_pydatetime(), part["goldstein"], s=60,
                       color=QUAD_COLOURS[q], label=QUAD_NAMES[q], zorder=3,
                       edgecolors="white", linewidths=0.8)
    other = frame[~frame["quad_class"].isin([1, 2, 3, 4])]
    if not other.empty:
        ax.scatter(other["date"].dt.to_pydatetime(), other["goldstein"], s=60, color="#999",
                   label="no quad class", zorder=3)
    seen: dict[tuple, int] = {}
    for row in frame.itertuples():
        code = row.cameo or ""
        label = f"{code} {names.get(code, row.type or '')}".strip()
        key = (row.date, row.goldstein)
        offset = seen.get(key, 0)
        seen[key] = offset + 1
        ax.annotate(label, (row.date.to_pydatetime(), row.goldstein),
                    xytext=(6, 6 + 11 * offset), textcoords="offset points", fontsize=8,
                    color="#333")
    ax.axhline(0, color="#444", linewidth=0.8)
    ax.set_ylim(-11, 11)
    ax.set_ylabel("Goldstein score")
    _date_axis(ax, frame["date"].min(), frame["date"].max(), right_pad=0.2)
    ax.set_title(f"Events of {_display_name(events, actor)}")
    ax.legend(loc="lower left", fontsize="small")
    ax.grid(axis="y", alpha=0.3)
    return fig


def save_figure(fig: Figure, out: str | Path) -> Path:
    """Write the figure as PNG (or the format of `out`'s suffix); returns the path."""
    path = Path(out)
    fig.savefig(path, dpi=100)
    return path
