"""kg.plot and `kg plot`: the figures' axes, titles and content, and valid PNG files."""
from __future__ import annotations

import struct
from pathlib import Path

import matplotlib
import pytest

from kg import plot
from kg.cli import main
from kg.errors import InputError
from test_networks import make_events  # the hand-made table (tests/ is on sys.path)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == PNG_MAGIC and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    """The sample graph of conftest.py in an on-disk store."""
    import pyoxigraph as ox
    from conftest import build_sample_quads

    from kg.store import Store

    by_graph: dict[str, list] = {}
    for q in build_sample_quads():
        by_graph.setdefault(q.graph_name.value, []).append(q)
    path = tmp_path / "store"
    with Store.open(path, create=True) as store:
        for g, quads in by_graph.items():
            store.replace_graph(g, ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    return path


def test_dyad_figure_axes_title_and_bars() -> None:
    backend = matplotlib.get_backend()
    fig = plot.dyad_figure(make_events(), "AAA", "BBB", freq="W")
    assert matplotlib.get_backend() == backend  # no global backend switch
    bars_ax, counts_ax = fig.axes
    assert bars_ax.get_xlabel() == "Date"
    assert bars_ax.get_ylabel() == "Goldstein sum" and counts_ax.get_ylabel() == "Events"
    assert bars_ax.get_title() == "AAA \u2192 BBB: Goldstein sum and events per week"
    # weeks of 01-05 (+4.0) and 01-12 (-7.0 - 10.0)
    assert [p.get_height() for p in bars_ax.patches] == [4.0, -17.0]
    assert list(counts_ax.lines[0].get_ydata()) == [1, 2]


def test_dyad_figure_names_single_actors_by_label() -> None:
    fig = plot.dyad_figure(make_events(), "ex:D", "BBB", freq="D")
    assert fig.axes[0].get_title().startswith("Actor D \u2192 BBB")
    assert fig.axes[0].get_title().endswith("per day")


def test_dyad_without_events_is_a_user_error() -> None:
    with pytest.raises(InputError, match="no dated events from 'ex:B' to 'ex:C'"):
        plot.dyad_figure(make_events(), "ex:B", "ex:C")


def test_timeline_figure_points_labels_and_colours() -> None:
    fig = plot.timeline_figure(make_events(), "Actor C")
    ax = fig.axes[0]
    assert ax.get_xlabel() == "Date" and ax.get_ylabel() == "Goldstein score"
    assert ax.get_title() == "Events of Actor C: 4"
    texts = sorted(t.get_text() for t in ax.texts)
    # e4 190, e5 061, e6 040, e7 050
    assert texts == ["040 Consult", "050 Engage in diplomatic cooperation",
                     "061 Cooperate economically", "190 Use conventional military force"]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["verbal cooperation", "material cooperation", "material conflict"]
    assert sum(len(c.get_offsets()) for c in ax.collections) == 4


def _crowded_events() -> list[dict]:
    """Sixty events of one actor over a year, many on the same days and scores, and one dated
    decades earlier (a date mentioned in passing)."""
    import datetime as dt

    codes = [("010", 0, 1), ("036", 4.0, 1), ("112", -2.0, 3), ("138", -7.0, 3),
             ("190", -10.0, 4), ("057", 8.0, 1)]
    rows = []
    for i in range(60):
        code, goldstein, quad = codes[i % len(codes)]
        day = dt.date(2025, 1, 1) + dt.timedelta(days=(i * 7) % 360)
        rows.append({"event": f"e{i}", "cameo": code, "goldstein": goldstein,
                     "quad_class": quad, "date": day.isoformat(), "type": "Event",
                     "source": [{"iri": "ex:x", "label": "X"}], "target": [{"iri": f"ex:{i % 5}"}]})
    rows.append({"event": "old", "cameo": "010", "goldstein": 0, "quad_class": 1,
                 "date": "1951-05-01", "source": [{"iri": "ex:x", "label": "X"}],
                 "target": [{"iri": "ex:1"}]})
    return rows


def test_a_crowded_timeline_has_no_overlapping_labels_and_a_sensible_axis() -> None:
    import matplotlib.dates as mdates

    fig = plot.timeline_figure(_crowded_events(), "X")
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in ax.texts]
    assert 4 <= len(boxes) <= plot.TIMELINE_LABELS
    area = ax.get_window_extent(renderer)
    for i, a in enumerate(boxes):
        assert area.x0 <= a.x0 and a.x1 <= area.x1 and area.y0 <= a.y0 and a.y1 <= area.y1
        assert not any(a.overlaps(b) for b in boxes[i + 1:]), ax.texts[i].get_text()
    first, last = (mdates.num2date(x).year for x in ax.get_xlim())
    assert first >= 2020 and last <= 2026  # 1951 is left out, and the title says so
    assert "(1 outside; --from/--to to choose)" in ax.get_title()
    wide = plot.timeline_figure(_crowded_events(), "X", start="1950-01-01")
    assert mdates.num2date(wide.axes[0].get_xlim()[0]).year <= 1950


def test_timeline_of_an_unknown_actor_is_a_user_error() -> None:
    with pytest.raises(InputError, match="no dated events of 'Nobody'"):
        plot.timeline_figure(make_events(), "Nobody")


def test_save_figure_writes_a_png(tmp_path: Path) -> None:
    out = plot.save_figure(plot.dyad_figure(make_events(), "AAA", "BBB"), tmp_path / "d.png")
    width, height = _png_size(out)
    assert (width, height) == (900, 480)  # 9 x 4.8 inches at 100 dpi
    assert out.stat().st_size > 10_000


def test_cli_plot_dyad_and_timeline(store_dir: Path, tmp_path: Path) -> None:
    dyad = tmp_path / "dyad.png"
    assert main(["plot", "dyad", "USA", "MEX", "--store", str(store_dir), "-o", str(dyad),
                 "--freq", "D"]) == 0
    assert _png_size(dyad)[0] == 900
    tl = tmp_path / "t.png"
    assert main(["plot", "timeline", "Claudia Sheinbaum", "--store", str(store_dir),
                 "-o", str(tl)]) == 0
    assert _png_size(tl) == (1000, 550)


def test_cli_plot_unknown_dyad_is_one_error_line(store_dir: Path, tmp_path: Path,
                                                 capsys) -> None:
    status = main(["plot", "dyad", "MEX", "CHN", "--store", str(store_dir), "-o",
                   str(tmp_path / "x.png")])
    assert status == 2
    err = capsys.readouterr().err
    assert err.startswith("kg: error: no dated events from 'MEX' to 'CHN'")
    assert not (tmp_path / "x.png").exists()


def test_module_doctests() -> None:
    import doctest

    from kg import plot as module

    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


def _row(day: str) -> dict:
    return {"event": f"e-{day}", "cameo": "042", "quad_class": 1, "goldstein": 1.9, "date": day,
            "source": [{"iri": "a:usa", "code": "USA"}], "target": [{"iri": "a:rus", "code": "RUS"}]}


@pytest.mark.parametrize(("days", "period"), [
    (["2026-01-02", "2026-01-05", "2026-01-20"], "day"),            # 19 days: daily bars
    (["2024-01-10", "2024-09-01", "2025-06-30"], "week"),           # 77 weeks
    (["2014-03-01", "2017-06-01", "2025-03-10"], "month"),          # 11 years
])
def test_dyad_period_follows_the_span_by_default(days, period) -> None:
    fig = plot.dyad_figure([_row(d) for d in days], "USA", "RUS")
    assert fig.axes[0].get_title().endswith(f"per {period}")
    # an explicit period is kept
    assert plot.dyad_figure([_row(d) for d in days], "USA", "RUS", "W").axes[0].get_title().endswith("per week")
