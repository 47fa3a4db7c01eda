"""kg.viz and `kg viz`: the page's data, its self-containment and escaping, and (marked
`browser`) the page itself in a real headless Chromium: no console errors, labels drawn,
clicking an edge shows its evidence sentence, filters hide edges."""
from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path

import pytest

from kg import viz
from kg.cli import main
from test_networks import make_actors, make_events  # the hand-made table (tests/ is on sys.path)

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
_DATA = re.compile(r'<script type="application/json" id="kg-data">(.*?)</script>', re.S)


def _embedded(page: str) -> dict:
    found = _DATA.findall(page)
    assert len(found) == 1
    return json.loads(found[0])


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


def test_viz_data_nodes_edges_and_events() -> None:
    data = viz.viz_data(make_events(), make_actors())
    labels = [n["label"] for n in data["nodes"]]
    assert labels == ["Actor A", "Actor B", "Actor C", "Actor D"]  # E has no event
    index = {n["iri"]: i for i, n in enumerate(data["nodes"])}
    a, b = index["ex:A"], index["ex:B"]
    pair = [e for e in data["edges"] if {e["s"], e["t"]} == {a, b}]
    # A->B q1 (e1), A->B q3 (e2, e12), B->A q1 (e3): three curves spread around the line
    assert sorted((e["s"], e["t"], e["quad"], len(e["events"])) for e in pair) == sorted(
        [(a, b, 1, 1), (a, b, 3, 2), (b, a, 1, 1)])
    assert sorted(e["bend"] for e in pair) == [-28.0, 0.0, 28.0]
    by_iri = {e["iri"]: e for e in data["events"]}
    assert "ex:e11" not in by_iri  # uncoded
    e2 = by_iri["ex:e2"]
    assert (e2["cameo"], e2["root"], e2["name"], e2["quad"]) == (
        "138", "13", "Threaten with military force", 3)
    assert e2["text"] == "Sentence of e2." and e2["sources"] == ["Actor A"]
    assert by_iri["ex:e12"]["day"] is None
    assert {r["code"] for r in data["roots"]} == {"03", "04", "05", "06", "07", "11", "13", "19"}
    node = data["nodes"][index["ex:C"]]
    assert (node["type"], node["country"], node["degree"]) == ("Person", "AAA", 2)
    assert all(n["x"] >= 0 and n["y"] >= 0 for n in data["nodes"])


def test_viz_data_is_deterministic_and_options_work() -> None:
    assert viz.viz_data(make_events(), make_actors()) == viz.viz_data(make_events(), make_actors())
    data = viz.viz_data(make_events(), make_actors(), include_uncoded=True, include_isolated=True)
    assert "Actor E" in [n["label"] for n in data["nodes"]]
    assert "ex:e11" in {e["iri"] for e in data["events"]}


def test_viz_data_links_articles_by_id() -> None:
    articles = [{"article": "https://w3id.org/kg-news/id/article/art-e1", "id": "art-e1",
                 "url": "https://example.org/e1", "title": "Headline 1"}]
    data = viz.viz_data(make_events(), articles=articles)
    e1 = next(e for e in data["events"] if e["iri"] == "ex:e1")
    assert (e1["article"], e1["url"], e1["title"]) == ("art-e1", "https://example.org/e1",
                                                        "Headline 1")


def test_page_is_self_contained_and_embeds_the_data() -> None:
    data = viz.viz_data(make_events(), make_actors(), title="Test graph")
    page = viz.render_html(data)
    assert _embedded(page) == data
    assert "<title>Test graph</title>" in page
    assert "{{" not in page  # every placeholder filled
    # nothing is fetched: no external scripts, style sheets, images or imports
    assert not re.search(r'<(script|img|link|iframe)[^>]+(src|href)=', page)
    assert "@import" not in page and "url(http" not in page and "fetch(" not in page


def test_hostile_text_cannot_break_out_of_the_data_tag() -> None:
    events = make_events()
    evil = '</script><script>alert("x")</script><!-- & \u2028'
    events[0]["text"] = evil
    page = viz.render_html(viz.viz_data(events, title="<b>t</b>"))
    assert page.count("</script>") == 2  # the data tag's and the code's own
    assert next(e for e in _embedded(page)["events"] if e["iri"] == "ex:e1")["text"] == evil
    assert "<title>&lt;b&gt;t&lt;/b&gt;</title>" in page


def test_store_viz_on_the_sample_store(sample_store, sample_iris, tmp_path: Path) -> None:
    out = viz.store_viz(sample_store, tmp_path / "g.html")
    data = _embedded(out.read_text(encoding="utf-8"))
    assert {n["label"] for n in data["nodes"]} == {"Donald Trump", "Mexico", "Claudia Sheinbaum",
                                                   "Mexican Army"}
    threat = next(e for e in data["events"] if e["iri"] == sample_iris.threat)
    assert threat["url"] == "https://www.example.org/news/voa-001" and threat["day"] == "2026-01-08"
    only_15 = _embedded(viz.store_viz(sample_store, tmp_path / "h.html", cameo_root="15")
                        .read_text(encoding="utf-8"))
    assert [e["cameo"] for e in only_15["events"]] == ["154"]


def test_cli_viz(store_dir: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "graph.html"
    assert main(["viz", "--store", str(store_dir), "-o", str(out), "--all-events"]) == 0
    data = _embedded(out.read_text(encoding="utf-8"))
    assert "United States" in {n["label"] for n in data["nodes"]}  # the uncoded strike's source
    assert str(out) in capsys.readouterr().err


def test_cli_viz_missing_store_is_a_user_error(tmp_path: Path, capsys) -> None:
    assert main(["viz", "--store", str(tmp_path / "none"), "-o", str(tmp_path / "x.html")]) == 2
    assert capsys.readouterr().err.startswith("kg: error:")


# -- in a real browser ---------------------------------------------------------------------------
def _driver():
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.skip(f"needs {CHROMIUM} and {CHROMEDRIVER} "
                    "(apt-get install chromium chromium-driver)")
    webdriver = pytest.importorskip("selenium.webdriver", reason="needs selenium")
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="kg-viz-chromium-")
    options = Options()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--window-size=1400,900",
                f"--user-data-dir={profile}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    return driver, profile


def _click_edge(driver, index: int) -> None:
    """A real mouse click on the middle of edge `index` (its hit path)."""
    from selenium.webdriver.common.actions.action_builder import ActionBuilder

    x, y = driver.execute_script("""
        const p = document.querySelectorAll('.edge-hit')[arguments[0]];
        const q = p.getPointAtLength(p.getTotalLength() / 2), m = p.getScreenCTM();
        return [q.x * m.a + q.y * m.c + m.e, q.x * m.b + q.y * m.d + m.f];""", index)
    actions = ActionBuilder(driver)
    actions.pointer_action.move_to_location(int(x), int(y))
    actions.pointer_action.click()
    actions.perform()


@pytest.mark.slow
@pytest.mark.browser
def test_page_in_headless_chromium(sample_store, sample_iris, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    out = viz.store_viz(sample_store, tmp_path / "graph.html", include_uncoded=True)
    data = _embedded(out.read_text(encoding="utf-8"))
    driver, profile = _driver()
    try:
        driver.get(out.resolve().as_uri())
        severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert severe == []
        labels = {t.text for t in driver.find_elements(By.CSS_SELECTOR, "svg .node text")}
        assert labels == {"Donald Trump", "Mexico", "Claudia Sheinbaum", "Mexican Army",
                          "United States"}
        assert driver.find_element(By.ID, "counts").text.startswith("3 of 3 events")

        # click the Sheinbaum -> Mexican Army edge: the panel lists the directive
        names = [n["label"] for n in data["nodes"]]
        edge = next(i for i, e in enumerate(data["edges"])
                    if names[e["s"]] == "Claudia Sheinbaum" and names[e["t"]] == "Mexican Army")
        _click_edge(driver, edge)
        panel = driver.find_element(By.ID, "panel").text
        assert "Claudia Sheinbaum \u2192 Mexican Army" in panel
        assert "Sheinbaum ordered the army to deploy 10,000 troops" in panel
        assert "154" in panel and "directed" in panel and "voa-002" in panel
        link = driver.find_element(By.CSS_SELECTOR, "#panel-list a")
        assert link.get_attribute("href") == "https://www.example.org/news/voa-002"
        driver.save_screenshot("/tmp/viz.png")

        # the CAMEO filter hides the other edges; the panel notes the hidden event
        Select(driver.find_element(By.ID, "cameo-root")).select_by_value("13")
        hidden = driver.find_elements(By.CSS_SELECTOR, "#edges .edge-group.hidden")
        assert len(hidden) == len(data["edges"]) - 1
        assert "hidden by the filters" in driver.find_element(By.ID, "panel-sub").text
        Select(driver.find_element(By.ID, "cameo-root")).select_by_value("")

        # a date window after the threat hides it (and the undated strike)
        driver.execute_script("""
            const f = document.getElementById('date-from');
            f.value = '2026-01-09'; f.dispatchEvent(new Event('change'));""")
        assert driver.find_element(By.ID, "counts").text.startswith("1 of 3 events")

        # clicking an actor lists its events
        driver.find_element(By.ID, "reset").click()
        node = driver.find_elements(By.CSS_SELECTOR, "svg .node")[names.index("Donald Trump")]
        node.find_element(By.TAG_NAME, "circle").click()
        panel = driver.find_element(By.ID, "panel").text
        assert sample_iris.threat_sentence1 in panel and "reported by 2 articles" in panel
        assert [e for e in driver.get_log("browser") if e["level"] == "SEVERE"] == []
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def test_module_doctests() -> None:
    import doctest

    from kg import viz as module

    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


def test_top_keeps_the_busiest_actors_and_the_events_among_them() -> None:
    from kg.viz import viz_data

    def ev(n, s, t):
        return {"event": f"e{n}", "cameo": "042", "quad_class": 1, "goldstein": 1.9,
                "date": "2026-01-0" + str(n), "source": [{"iri": s, "label": s}],
                "target": [{"iri": t, "label": t}]}
    events = [ev(1, "a", "b"), ev(2, "a", "b"), ev(3, "a", "c"), ev(4, "d", "e")]
    data = viz_data(events, top=2)
    assert sorted(n["label"] for n in data["nodes"]) == ["a", "b"]
    assert len(data["events"]) == 2
    assert len(viz_data(events)["nodes"]) == 5


def _many_actors(n: int = 120) -> list[dict]:
    """Events among `n` actors: actor k takes part in about n/k events (a few busy ones, a long
    tail), the way a news corpus looks."""
    rows = []
    for k in range(1, n):
        for j in range(max(1, n // (k * 4))):
            rows.append({
                "event": f"e{k}-{j}", "cameo": "036" if j % 2 else "112",
                "quad_class": 1 if j % 2 else 3, "goldstein": 4.0 if j % 2 else -2.0,
                "date": f"2026-01-{1 + (k + j) % 28:02d}", "text": f"Actor {k} met actor {j}.",
                "article": f"a{k}",
                "source": [{"iri": f"ex:a{k}", "label": f"Actor {k:03d}", "type": "Person"}],
                "target": [{"iri": f"ex:a{(k * 7 + j) % n}", "label": f"Actor {(k * 7 + j) % n:03d}",
                            "type": "State"}]})
    return rows


@pytest.mark.slow
@pytest.mark.browser
def test_default_page_shows_the_most_active_actors_and_finds_one_by_name(tmp_path: Path) -> None:
    """`kg viz`'s default (the DEFAULT_TOP busiest actors) in Chromium: the busiest actors are
    drawn, the rest are not, the page says so, and the search box finds and opens an actor.
    Screenshots go to $KG_SCREENSHOTS (to look at) or the test's temporary folder."""
    import os

    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    from kg.viz import DEFAULT_TOP

    data = viz.viz_data(_many_actors(), top=DEFAULT_TOP)
    total = len({a["iri"] for r in _many_actors() for a in r["source"] + r["target"]
                 if r["source"][0]["iri"] != r["target"][0]["iri"]})
    assert len(data["nodes"]) == DEFAULT_TOP and data["total_actors"] == total > DEFAULT_TOP
    page = tmp_path / "top.html"
    viz.write_html(data, page)
    shots = Path(os.environ.get("KG_SCREENSHOTS", tmp_path))
    driver, profile = _driver()
    try:
        driver.get(page.as_uri())
        assert len(driver.find_elements(By.CSS_SELECTOR, "g.node")) == DEFAULT_TOP
        counts = driver.find_element(By.ID, "counts").text
        assert f"the {DEFAULT_TOP} most active of {total}" in counts and "--top 0" in counts
        driver.save_screenshot(str(shots / "viz-top.png"))
        search = driver.find_element(By.ID, "search")
        search.send_keys("Actor 002")
        search.send_keys(Keys.ENTER)
        matched = driver.execute_script(
            "return [...document.querySelectorAll('g.node.match text')].map(t => t.textContent)")
        assert matched == ["Actor 002"]
        dimmed = len(driver.find_elements(By.CSS_SELECTOR, "g.node.dim"))
        assert dimmed == DEFAULT_TOP - 1
        assert driver.find_element(By.ID, "panel-title").text == "Actor 002"
        assert driver.find_elements(By.CSS_SELECTOR, "#panel-list li")
        driver.save_screenshot(str(shots / "viz-search.png"))
        search.clear()
        search.send_keys("Nobody at all")
        assert "no drawn actor matches" in driver.find_element(By.ID, "search-note").text
        assert [e for e in driver.get_log("browser") if e["level"] == "SEVERE"] == []
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
