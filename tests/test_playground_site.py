"""The optimizer playground on the built site (the session's build of the course).

- What is published: the pages that embed the playground load its script,
  and the script carries the engine only base64-encoded, so no line of an
  update rule appears on the site in readable form (README.md, "The
  optimizer playground"); the scan that says so finds a readable copy.
- The widget in a real browser: headless Chromium (Debian's, driven by
  Playwright) opens the pages as files, with no network. Every racer's final
  point must equal the reference's after the same steps, before and after a
  slider, a number field and the optimizer menu are changed, with no console
  error and no request other than for local files.
"""
import base64
import html
import json
import re
import zipfile
from pathlib import Path

import pytest

from test_site import readable_forms
from playground_crosscheck import ENGINE, LANDSCAPES, call_engine, reference_run, relative_error

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TOLERANCE = 1e-12
BUNDLE = Path("_static") / "playground" / "playground.js"

# page: the preset its playground starts from
EMBEDS = {
    "playground.html": "playground",
    "chapters/01_gradient_descent.html": "learning_rate",
    "chapters/03_momentum.html": "momentum",
    "chapters/04_adagrad_rmsprop.html": "adaptive",
    "chapters/05_adam.html": "bias_correction",
    "chapters/06_schedules.html": "schedules",
}
# What the issue asks the playground to offer (its names in the engine).
OPTIMIZERS = {"gd", "momentum", "heavy_ball", "nesterov", "adagrad", "rmsprop", "adam", "adamw", "nadam",
              "newton"}
TEST_FUNCTIONS = {"ravine", "long_ravine", "rosenbrock", "saddle", "monkey_saddle", "noisy_ravine"}


@pytest.fixture(scope="module")
def site_html(built_site):
    return built_site(REPO)


# ------------------------------------------------------------ what is published


def script_sources(page):
    return re.findall(r'<script[^>]*src="([^"?]*playground\.js)[^"]*"', page.read_text())


def test_the_pages_that_embed_the_playground_load_it_and_no_other_page_does(site_html):
    for page in sorted(site_html.rglob("*.html")):
        name = page.relative_to(site_html).as_posix()
        sources = script_sources(page)
        if name in EMBEDS:
            assert f'data-preset="{EMBEDS[name]}"' in page.read_text(), name
            assert len(sources) == 1 and (page.parent / sources[0]).resolve() == (site_html / BUNDLE), name
        else:
            assert not sources, f"{name} loads the playground but does not embed it"


def bundled_engine(bundle_text):
    payload = re.search(r'ENGINE_BASE64 = "([A-Za-z0-9+/=]+)"', bundle_text)
    assert payload, "playground.js carries no encoded engine"
    return base64.b64decode(payload.group(1))


def test_the_published_script_carries_the_engine_unchanged(site_html):
    # So the cross-check of engine.js (tests/test_playground.py) holds for the site.
    text = (site_html / BUNDLE).read_text()
    assert bundled_engine(text) == ENGINE.read_bytes()
    answers = call_engine(site_html / BUNDLE, [{"fn": "gd_step", "args": [[1.0, -2.0], [0.5, 4.0], 0.1]}])
    assert answers == [[0.95, -2.4]]  # the docstring example of solutions.gd_step


def readable_engine_lines():
    """The engine's lines of arithmetic, without whitespace: what a reader of its code would see."""
    lines = []
    for line in ENGINE.read_text().split("\n"):
        code = "".join(line.split("//")[0].split())
        if len(code) >= 16 and re.search(r"[-+*/]", code) and not code.startswith(("/*", "*")):
            lines.append(code)
    return sorted(set(lines))


def squeezed_forms(name, data):
    """A file's text as a reader or a program could see it, with all whitespace removed."""
    return readable_forms(name, data, space="")


def readable_engine_in(folder):
    """[(file, line)] for every readable engine line in a file of folder, zip members included."""
    needles, found = readable_engine_lines(), []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix in (".png", ".woff", ".woff2", ".ico", ".inv", ".pickle"):
            continue
        members = [(path.name, path.read_bytes())]
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                members = [(member, archive.read(member)) for member in archive.namelist()]
        for name, data in members:
            forms = squeezed_forms(name, data)
            found += [(f"{path.relative_to(folder)}:{name}", n) for n in needles if any(n in f for f in forms)]
    return found


def test_no_line_of_the_engine_is_published_readably(site_html):
    # Every published file, the theme's and MathJax's under _static/ included.
    assert len(readable_engine_lines()) >= 40, "the scan would look for too little"
    found = readable_engine_in(site_html)
    assert not found, "engine code published readably:\n" + "\n".join(f"  {w}: {n}" for w, n in found[:20])


def test_the_engine_scan_finds_a_readable_copy(tmp_path):
    engine = ENGINE.read_text()
    tokens = "".join(f'<span class="n">{html.escape(token)}</span> ' for token in engine.split())
    (tmp_path / "page.html").write_text(f"<pre>{tokens}</pre>")
    (tmp_path / "plain.js").write_text(engine)
    with zipfile.ZipFile(tmp_path / "download.zip", "w") as archive:
        archive.writestr("folder/engine.js", engine)
    where = {place.split(":")[0] for place, _ in readable_engine_in(tmp_path)}
    assert where == {"page.html", "plain.js", "download.zip"}


# ---------------------------------------------------------------- in a browser


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed, so the playground cannot be tested in a browser: install it "
                    "with `apt-get install -y chromium` (./run test does it when run as root)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        # launch() starts from a fresh, temporary profile every time.
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


class Page:
    """A browser tab on the built site that records errors and requests."""

    def __init__(self, browser, site_html, width=1280, height=900):
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.tab = self.context.new_page()
        self.site_html, self.problems, self.requests = site_html, [], []
        self.tab.on("console", lambda m: self.problems.append(f"console {m.type}: {m.text}")
                    if m.type in ("error", "warning") else None)
        self.tab.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.tab.on("request", lambda request: self.requests.append(request.url))

    def open(self, name):
        self.tab.goto((self.site_html / name).as_uri())
        self.tab.wait_for_selector(".pg .pg-readout li[data-racer]")
        return self.tab.locator(".pg").first

    def check_clean(self):
        remote = [url for url in self.requests if not url.startswith(("file://", "data:", "blob:"))]
        assert not remote, f"network requests: {remote}"
        assert not self.problems, "\n".join(self.problems)


@pytest.fixture
def page(browser, site_html):
    tab = Page(browser, site_html)
    yield tab
    tab.context.close()


def config(widget):
    return json.loads(widget.get_attribute("data-config"))


def final_points(widget):
    rows = widget.locator(".pg-readout li[data-racer]")
    return [{"w": [float(row.get_attribute("data-x")), float(row.get_attribute("data-y"))],
             "steps": int(row.get_attribute("data-steps")), "stopped": row.get_attribute("data-stopped") or None}
            for row in rows.all()]


def assert_racers_match_the_reference(widget):
    """Every racer's reported final point is the reference's after the same run; returns the config."""
    settings = config(widget)
    draws = ()
    if LANDSCAPES[settings["landscape"]].noisy:  # the noise generator has no twin in the reference
        draws = call_engine(ENGINE, [{"fn": "normal_draws", "args": [settings["seed"], 2 * settings["steps"]]}])[0]
    reported = final_points(widget)
    assert len(reported) == len(settings["racers"])
    for i, (racer, shown) in enumerate(zip(settings["racers"], reported)):
        spec = dict(settings, **racer)
        path, stopped = reference_run(spec, draws)
        where = f"racer {i + 1}, {racer['optimizer']} on {settings['landscape']}"
        assert (shown["steps"], shown["stopped"]) == (len(path) - 1, stopped), where
        assert relative_error(shown["w"], path[-1]) <= TOLERANCE, f"{where}: {shown['w']} != {path[-1]}"
    return settings


def map_image(widget):
    return widget.locator("canvas.pg-map").evaluate("canvas => canvas.toDataURL()")


def wait_for_change(widget, before):
    widget.page.wait_for_function("([node, old]) => node.getAttribute('data-config') !== old",
                                  arg=[widget.element_handle(), before])


@pytest.mark.parametrize("name", EMBEDS)
def test_each_page_runs_its_playground_offline_as_the_reference_does(page, name):
    widget = page.open(name)
    settings = assert_racers_match_the_reference(widget)
    assert settings["preset"] == EMBEDS[name]
    assert widget.locator("canvas.pg-map").bounding_box()["height"] > 80
    assert not page.tab.locator(".descent-playground p em").count(), "the Jupyter fallback is still shown"
    page.check_clean()


@pytest.mark.parametrize("name", ["intro.html", "chapters/02_minibatch.html"])
def test_pages_without_the_playground_log_no_error_either(page, name):
    page.tab.goto((page.site_html / name).as_uri())
    page.tab.wait_for_load_state("load")
    page.check_clean()


def test_a_slider_a_number_and_the_optimizer_menu_change_the_trajectory(page):
    widget = page.open("chapters/01_gradient_descent.html")
    racer = widget.locator(".pg-racer")
    start, image = config(widget), map_image(widget)

    # Past 2 / lambda_max = 0.2 gradient descent diverges on the ravine.
    before = widget.get_attribute("data-config")
    racer.locator("input[type=number][data-key=lr]").fill("0.21")
    racer.locator("input[type=number][data-key=lr]").press("Tab")
    wait_for_change(widget, before)
    assert config(widget)["racers"][0]["hyper"]["lr"] == 0.21
    assert_racers_match_the_reference(widget)
    assert abs(final_points(widget)[0]["w"][1]) > 2, "the run at 0.21 should leave the map"
    assert map_image(widget) != image

    # The slider moves log10(lr) by 0.01 per key press: five presses, a factor 10^-0.05.
    before = widget.get_attribute("data-config")
    slider = racer.locator("input[type=range][data-key=lr]")
    slider.focus()
    for _ in range(5):
        slider.press("ArrowLeft")
    wait_for_change(widget, before)
    assert config(widget)["racers"][0]["hyper"]["lr"] == pytest.approx(0.21 * 10 ** -0.05, rel=0.02)
    assert_racers_match_the_reference(widget)

    before, image = widget.get_attribute("data-config"), map_image(widget)
    racer.locator("select[data-key=optimizer]").select_option("nesterov")
    wait_for_change(widget, before)
    settings = assert_racers_match_the_reference(widget)
    assert settings["racers"][0]["optimizer"] == "nesterov"
    assert settings["racers"][1] == start["racers"][1], "the other racer must not change"
    assert map_image(widget) != image
    page.check_clean()


def test_every_optimizer_and_test_function_is_offered_and_runs_as_the_reference(page):
    widget = page.open("playground.html")
    racer = widget.locator(".pg-racer")
    optimizers = racer.locator("select[data-key=optimizer] option").evaluate_all("os => os.map(o => o.value)")
    landscapes = widget.locator("select[data-key=landscape] option").evaluate_all("os => os.map(o => o.value)")
    assert OPTIMIZERS <= set(optimizers) and TEST_FUNCTIONS <= set(landscapes)
    assert set(landscapes) == set(LANDSCAPES)

    steps = widget.locator(".pg-problem input[type=number][data-key=steps]")
    steps.fill("200")
    steps.press("Tab")
    for optimizer in optimizers:
        before = widget.get_attribute("data-config")
        racer.locator("select[data-key=optimizer]").select_option(optimizer)
        if optimizer != "gd":  # gd is already the first racer's optimizer
            wait_for_change(widget, before)
        assert config(widget)["racers"][0]["optimizer"] == optimizer
        assert_racers_match_the_reference(widget)
    for landscape in landscapes:
        before = widget.get_attribute("data-config")
        widget.locator("select[data-key=landscape]").select_option(landscape)
        if landscape != "rosenbrock":
            wait_for_change(widget, before)
        assert config(widget)["landscape"] == landscape
        assert_racers_match_the_reference(widget)
    page.check_clean()


def test_the_start_moves_with_the_arrow_keys_and_with_a_click(page):
    widget = page.open("chapters/03_momentum.html")
    the_map = widget.locator("canvas.pg-map")
    x0, y0 = config(widget)["start"]
    before = widget.get_attribute("data-config")
    the_map.focus()
    the_map.press("ArrowRight")
    the_map.press("Shift+ArrowUp")
    wait_for_change(widget, before)
    # One step is 1/50 of the window's width (10 here), with Shift 1/10.
    assert config(widget)["start"] == pytest.approx([x0 + 0.2, y0 + 1.0])
    assert_racers_match_the_reference(widget)

    before = widget.get_attribute("data-config")
    box = the_map.bounding_box()
    the_map.click(position={"x": box["width"] / 2, "y": box["height"] / 2})
    wait_for_change(widget, before)
    x, y = config(widget)["start"]
    assert abs(x) < 0.5 and abs(y) < 0.5, "the middle of the ravine's window is near (0, 0)"
    assert_racers_match_the_reference(widget)
    page.check_clean()


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("name", ["playground.html", "chapters/05_adam.html"])
def test_the_playground_fits_a_phone_and_a_laptop_and_its_text_is_readable(browser, site_html, name, width):
    screen = Page(browser, site_html, width=width, height=844)
    try:
        widget = screen.open(name)
        right = widget.evaluate("""node => [...node.querySelectorAll('*')]
            .map(child => child.getBoundingClientRect().right).reduce((a, b) => Math.max(a, b), 0)""")
        assert right <= width, f"the playground reaches {right}px on a {width}px screen"
        spilling = widget.evaluate("""node => [...node.querySelectorAll('.pg-box')].flatMap(box => {
            const edge = box.getBoundingClientRect().right;
            return [...box.querySelectorAll('input, select, button')]
                .filter(control => control.getBoundingClientRect().right > edge + 0.5)
                .map(control => control.getAttribute('data-key') || control.textContent);
        })""")
        assert not spilling, f"controls sticking out of their box: {spilling}"
        sizes = widget.evaluate("""node => [...node.querySelectorAll('label, li, select, input, button')]
            .map(child => parseFloat(getComputedStyle(child).fontSize))""")
        assert min(sizes) >= 13, f"text as small as {min(sizes)}px"
        screen.check_clean()
    finally:
        screen.context.close()


def test_the_menus_work_from_the_keyboard_and_keep_its_focus(page):
    widget = page.open("playground.html")
    menu = widget.locator(".pg-racer select[data-key=optimizer]")
    menu.focus()
    for expected in ("momentum", "heavy_ball"):  # the next entries after gradient descent
        before = widget.get_attribute("data-config")
        page.tab.keyboard.press("ArrowDown")
        wait_for_change(widget, before)
        assert config(widget)["racers"][0]["optimizer"] == expected
        # The racer's controls are rebuilt for the new optimizer; the menu keeps the focus.
        assert page.tab.evaluate("document.activeElement.getAttribute('data-key')") == "optimizer"
    page.tab.keyboard.press("Tab")
    assert page.tab.evaluate("document.activeElement.getAttribute('data-key')") == "lr"
    assert_racers_match_the_reference(widget)
    page.check_clean()
