"""The reader-quality gate: every page of the built site, as a reader's browser shows it.

Headless Chromium (Debian's, driven by Playwright) opens each HTML page of the
session's build of the course from file://, with every request other than for
local files blocked, and checks what a careful reader would notice:

- math: no MathJax error box (mjx-merror, "\\tag not allowed ..."), no raw
  TeX ($$, \\begin{...}) left in the text outside code, no equation with two
  numbers (Sphinx's and its own \\tag), and at a 1280-px window every display
  equation fits the column (its end and its number in sight without
  scrolling sideways);
- code and printed outputs: at a 1280-px window every line of code, and
  every line a code cell prints, fits the column (the prose quotes numbers
  from the outputs);
- figures: every <img> loaded (naturalWidth > 0), with alt text that is
  neither empty nor a file name or hash; at a 1280-px window no figure of the
  content is shown below 75 % of its natural width;
- accessibility: no serious or critical WCAG 2.0/2.1 A or AA violation found
  by axe-core (from npm; `./run test` installs it into a cache folder, see
  AXE_CORE_VERSION below);
- links: no internal link to a missing file or to a missing #anchor, and no
  page loads a local file that does not exist;
- phones: at a 390-px window, no display equation wider than the column
  unless it scrolls sideways inside its own box, with none of it cut off,
  and the page itself no wider than the window (nothing outside such a box,
  a long name in inline code say, makes the whole page scroll sideways).

One browser visits the pages one after another (the whole gate takes well
under two minutes); each page is a test of its own, whose one assertion
message lists everything that page gets wrong, naming the element (a figure
by its number or file, an equation by its TeX, a link by its text).
"""
import os
import re
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))
import build_site  # noqa: E402
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# axe-core from npm, pinned; `./run test` installs it into AXE_CORE_DIR (read by ./run from here).
AXE_CORE_VERSION = "4.10.3"
AXE_CORE_DIR = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "descent" / \
    f"axe-core-{AXE_CORE_VERSION}"
AXE_CORE = Path(os.environ.get("DESCENT_AXE_CORE",
                               AXE_CORE_DIR / "node_modules" / "axe-core" / "axe.min.js"))
AXE_HOW_TO_INSTALL = (f"axe-core {AXE_CORE_VERSION} is not installed ({AXE_CORE} is missing), so the "
                      "accessibility part of the reader gate did not run. `./run test` installs it "
                      "(it needs npm: apt-get install npm), or run: npm install --prefix "
                      f"{AXE_CORE_DIR} --no-save axe-core@{AXE_CORE_VERSION}")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
MIN_SHOWN = 0.75       # of a figure's natural width, at a 1280-px window
WIDE, NARROW = (1280, 900), (390, 844)
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")


def expected_pages():
    """Every page the site must have: the book's pages (from _toc.yml) and Sphinx's own."""
    pages = [f"{name}.html" for name in build_site.toc_files(REPO / "_toc.yml")]
    return pages + ["index.html", "genindex.html", "search.html"]


# ------------------------------------------------------------ in the browser

PREPARE = """async () => {
  // Lazy images load now; wait for every image and for MathJax's first typesetting.
  const images = [...document.images];
  images.forEach(img => { img.loading = 'eager'; });
  await Promise.all(images.map(img => img.complete ? null :
    new Promise(done => { img.addEventListener('load', done); img.addEventListener('error', done);
                          setTimeout(done, 5000); })));
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
  return true;
}"""

# Shared helpers: how an element is named in a message.
HELPERS = """
  const article = document.querySelector('article.bd-article') || document.querySelector('main')
                  || document.body;
  const clean = s => (s || '').replace(/[\\u00b6#]/g, '').replace(/\\s+/g, ' ').trim();
  const section = el => {
    const s = el.closest('section');
    const h = s && s.querySelector(':scope > h1, :scope > h2, :scope > h3, :scope > h4');
    return h ? `section "${clean(h.textContent).slice(0, 60)}"` : 'the page';
  };
  const texOf = el => {
    try {
      for (const item of MathJax.startup.document.math)
        if (item.typesetRoot === el) return clean(item.math).slice(0, 90);
    } catch (e) {}
    return clean(el.getAttribute('aria-label') || el.textContent).slice(0, 90);
  };
  const figureName = img => {
    const fig = img.closest('figure');
    const number = fig && fig.querySelector('.caption-number');
    const caption = fig && fig.querySelector('.caption-text');
    const file = (img.getAttribute('src') || '').split('/').pop();
    if (number) return `${clean(number.textContent).replace(/:$/, '')} ` +
                       `("${clean(caption && caption.textContent).slice(0, 50)}", ${file})`;
    return `the image ${file} in ${section(img)}`;
  };
"""

AUDIT_WIDE = """async ({minShown}) => {""" + HELPERS + """
  const problems = [];
  // Math.
  for (const error of document.querySelectorAll('mjx-merror')) {
    const box = error.closest('mjx-container') || error;
    const message = error.getAttribute('data-mjx-error') || clean(error.textContent);
    problems.push(`MathJax error "${message}" in ${section(box)}, in the equation ${texOf(box)}`);
  }
  const skip = 'pre, code, script, style, textarea, mjx-container, .highlight, kbd, samp';
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent;
    if (!/\\$\\$|\\\\begin\\{|\\\\end\\{|\\\\\\[|\\\\\\(/.test(text)) continue;
    if (node.parentElement && node.parentElement.closest(skip)) continue;
    problems.push(`raw TeX in the text of ${section(node.parentElement)}: ` +
                  `"${clean(text).slice(0, 90)}"`);
  }
  // One number per equation: Sphinx numbers a top-level amsmath block (its span.eqno) and
  // MathJax shows the block's own \\tag, so `\\begin{equation}` with a \\tag shows two.
  for (const box of document.querySelectorAll('mjx-container[display="true"]')) {
    const holder = box.closest('div.math, div.amsmath');
    const sphinx = holder && holder.querySelector(':scope > .eqno');
    if (sphinx && box.querySelector('mjx-labels, mjx-mlabeledtr'))
      problems.push(`the equation ${texOf(box)} in ${section(box)} shows two numbers, ` +
                    `${clean(sphinx.textContent)} from Sphinx and its own \\\\tag`);
  }
  // Display equations fit the column: a reader on a desktop sees the end of each, and its
  // number, without scrolling it sideways (on a phone they may scroll, see AUDIT_NARROW).
  for (const box of document.querySelectorAll('mjx-container[display="true"]')) {
    if (box.offsetParent === null || !article.contains(box)) continue;
    const holder = box.closest('div.math, div.amsmath') || box;
    const over = Math.max(holder.scrollWidth - holder.clientWidth, box.scrollWidth - box.clientWidth);
    if (over > 1)
      problems.push(`the equation ${texOf(box)} in ${section(box)} does not fit the column at ` +
                    `${window.innerWidth} px (${over} px too wide): its end is scrolled out of sight`);
  }
  // Code and printed outputs fit the column too: a reader sees every line of code whole, and
  // the numbers the prose quotes from the outputs, without scrolling sideways (code lines run
  // to 100 characters: vendor/descent.css sizes the code and the column for them).
  for (const pre of article.querySelectorAll('div.highlight pre, div.cell_output pre')) {
    if (pre.offsetParent === null) continue;
    const over = pre.scrollWidth - pre.clientWidth;
    const widest = pre.textContent.split('\\n').reduce((a, b) => b.length > a.length ? b : a, '');
    const kind = pre.closest('div.cell_output') ? 'printed line' : 'line of code';
    if (over > 1)
      problems.push(`the ${kind} "${clean(widest).slice(0, 90)}" in ${section(pre)} does not ` +
                    `fit the column at ${window.innerWidth} px (${over} px too wide)`);
  }
  // Images.
  for (const img of document.images) {
    const name = figureName(img);
    if (!img.complete || img.naturalWidth === 0) problems.push(`${name} did not load`);
    const alt = (img.getAttribute('alt') || '').trim();
    const file = (img.getAttribute('src') || '').split('/').pop();
    if (!alt) problems.push(`${name} has no alt text`);
    else if (alt === file || /\\.(png|jpe?g|gif|svg|webp)$/i.test(alt) || /^[0-9a-f]{16,}$/i.test(alt))
      problems.push(`${name} has a file name or hash as alt text ("${alt.slice(0, 40)}")`);
    if (article.contains(img) && img.naturalWidth > 0 && img.offsetParent !== null) {
      const shown = img.getBoundingClientRect().width;
      if (shown < minShown * img.naturalWidth)
        problems.push(`${name} is shown at ${Math.round(100 * shown / img.naturalWidth)} % of ` +
                      `its natural width (${Math.round(shown)} of ${img.naturalWidth} px)`);
    }
  }
  // Links, checked against the files by the test.
  const links = [...document.querySelectorAll('a[href]')].map(a => ({
    href: a.href, raw: a.getAttribute('href'),
    label: clean(a.textContent).slice(0, 50) || clean(a.getAttribute('aria-label') || a.title) ||
           (a.querySelector('img') ? figureName(a.querySelector('img')) : '(no text)')}));
  return {problems, links};
}"""

AUDIT_NARROW = """() => {""" + HELPERS + """
  const problems = [];
  const column = article.getBoundingClientRect();
  const scrolls = n => ['auto', 'scroll'].includes(getComputedStyle(n).overflowX);
  for (const box of document.querySelectorAll('mjx-container[display="true"]')) {
    if (box.offsetParent === null) continue;
    const math = box.querySelector('mjx-math') || box;
    const extent = math.getBoundingClientRect();
    const name = `the equation ${texOf(box)} in ${section(box)}`;
    // The nearest box that scrolls sideways and fits the column, and the scrollers on the way.
    let scroller = null;
    const between = [];
    for (let n = box; n && n !== article; n = n.parentElement) {
      if (!scrolls(n)) continue;
      const r = n.getBoundingClientRect();
      if (r.left >= column.left - 1 && r.right <= column.right + 1) { scroller = n; break; }
      between.push(n);
    }
    if (!scroller) {
      if (extent.left < column.left - 1 || extent.right > column.right + 1)
        problems.push(`at 390 px, ${name} is wider than the column ` +
                      `(${Math.round(extent.width)} of ${Math.round(column.width)} px) and does not scroll`);
      continue;
    }
    for (const n of [scroller, ...between]) {
      if (extent.left < n.getBoundingClientRect().left - 1 - n.scrollLeft) {
        problems.push(`at 390 px, ${name} is cut off on the left ` +
                      `(${Math.round(n.getBoundingClientRect().left - extent.left)} px cannot be scrolled to)`);
        break;
      }
    }
  }
  // The page itself fits the window: nothing outside a box of its own that scrolls (a long
  // name in inline code, a path) makes the whole page pan sideways under the reader.
  const page = document.documentElement;
  if (page.scrollWidth > window.innerWidth + 1) {
    const clips = n => scrolls(n) || getComputedStyle(n).overflowX === 'hidden';
    const inBox = el => {
      for (let n = el.parentElement; n && n !== document.body; n = n.parentElement)
        if (clips(n)) return true;
      return false;
    };
    const wide = [...document.body.querySelectorAll('*')].filter(el => el.offsetParent !== null
      && el.getBoundingClientRect().right > window.innerWidth + 1 && !inBox(el));
    const named = new Set();
    for (const el of wide) {
      if (wide.some(other => other !== el && el.contains(other))) continue;  // the innermost
      const math = el.closest('mjx-container');
      const code = el.closest('code, kbd, samp');
      named.add(math ? `the equation ${texOf(math)} in ${section(math)}`
                : code ? `the code "${clean(code.textContent).slice(0, 70)}" in ${section(code)}`
                : `the ${el.tagName.toLowerCase()} "${clean(el.textContent).slice(0, 50)}" in ${section(el)}`);
    }
    problems.push(`at 390 px, the page is wider than the window (${page.scrollWidth} of ` +
                  `${window.innerWidth} px) and scrolls sideways, because of ` +
                  ([...named].slice(0, 5).join('; ') || 'an element that could not be named'));
  }
  return problems;
}"""

AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                          resultTypes: ['violations']});
  return result.violations.filter(v => ['serious', 'critical'].includes(v.impact)).map(v =>
    `axe ${v.id} (${v.impact}): ${v.help}; ${v.nodes.length} element(s), e.g. ` +
    v.nodes.slice(0, 3).map(n => `${n.target.join(' ')} ${n.html.replace(/\\s+/g, ' ').slice(0, 100)}`)
      .join(' | '));
}"""


# ------------------------------------------------------------------ links


def anchors(path, cache={}):
    """The ids and names a page's HTML defines (cached per file)."""
    if path not in cache:
        text = path.read_text(errors="ignore")
        cache[path] = set(re.findall(r'\sid="([^"]+)"', text)) | \
            set(re.findall(r'<a\s[^>]*name="([^"]+)"', text))
    return cache[path]


def broken_links(page, links, site):
    problems = []
    for link in links:
        url = urlparse(link["href"])
        if url.scheme != "file" or (link["raw"] or "").startswith("#") and not url.fragment:
            continue
        target = Path(unquote(url.path))
        if target.is_dir():
            target = target / "index.html"
        where = f'the link "{link["label"]}" ({link["raw"]})'
        if not target.exists():
            problems.append(f"{where} leads to a missing file")
        elif site not in target.resolve().parents:
            problems.append(f"{where} leads out of the site ({target})")
        elif url.fragment and target.suffix == ".html" and unquote(url.fragment) not in anchors(target):
            problems.append(f"{where} leads to a missing anchor #{url.fragment} of "
                            f"{target.relative_to(site)}")
    return sorted(set(problems))


# ---------------------------------------------------------------- the visit


@pytest.fixture(scope="module")
def site_html(built_site):
    return built_site(REPO)


class Browser:
    """One headless Chromium tab that opens local pages with every remote request blocked."""

    def __init__(self, playwright):
        self.browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        self.context = self.browser.new_context(viewport=dict(zip(("width", "height"), WIDE)))
        self.remote, self.missing = [], []
        self.context.route(re.compile(r"^(?!file:|data:|blob:|about:).*"),
                           lambda route: (self.remote.append(route.request.url), route.abort()))
        self.tab = self.context.new_page()
        self.tab.on("requestfailed", lambda request: self.missing.append(request.url)
                    if request.url.startswith("file:") else None)

    def audit(self, site, name, axe):
        """The problems of one page, each in a sentence."""
        tab = self.tab
        self.remote.clear()
        self.missing.clear()
        tab.set_viewport_size(dict(zip(("width", "height"), WIDE)))
        redirect = re.search(r'http-equiv="refresh"[^>]*url=([^"]+)"',
                             (site / name).read_text(errors="ignore"), re.IGNORECASE)
        if redirect:  # index.html: it only has to lead to a page that exists
            target = (site / name).parent / redirect.group(1)
            return [] if target.is_file() else [f"redirects to a missing {redirect.group(1)}"]
        tab.goto((site / name).as_uri(), wait_until="load")
        tab.evaluate(PREPARE)
        wide = tab.evaluate(AUDIT_WIDE, {"minShown": MIN_SHOWN})
        problems = wide["problems"] + broken_links(name, wide["links"], site)
        if axe:
            tab.add_script_tag(path=str(AXE_CORE))
            problems += tab.evaluate(AXE_RUN, WCAG_TAGS)
        tab.set_viewport_size(dict(zip(("width", "height"), NARROW)))
        tab.wait_for_timeout(100)
        problems += tab.evaluate(AUDIT_NARROW)
        problems += [f"requested {url} (a network request: the site must work offline)"
                     for url in sorted(set(self.remote))]
        # (Chromium cancels some style sheet requests when the window is resized: only a file
        # that does not exist counts.)
        problems += [f"loads a missing local file {path}" for path in
                     sorted({unquote(urlparse(url).path) for url in self.missing})
                     if not Path(path).exists()]
        return problems

    def close(self):
        self.browser.close()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.is_file():
        pytest.skip("Chromium is not installed, so the reader gate cannot run: install it with "
                    "`apt-get install chromium` (`./run test` does, as root).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = Browser(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def audit(browser, site_html):
    """{page: [problems]} for every HTML page of the site, visited one after another."""
    pages = sorted(p.relative_to(site_html).as_posix() for p in site_html.rglob("*.html")
                   if "_static" not in p.parts and "_sources" not in p.parts)
    return {name: browser.audit(site_html, name, AXE_CORE.is_file()) for name in pages}


def report(name, problems):
    return f"{name}: {len(problems)} problem(s) a reader would see:\n" + \
        "\n".join(f"  - {problem}" for problem in problems)


@pytest.mark.parametrize("name", expected_pages())
def test_page_reads_well(audit, name):
    assert name in audit, f"{name} is not on the site"
    assert not audit[name], report(name, audit[name])


def test_every_page_of_the_site_was_checked(audit):
    listed = set(expected_pages())
    others = {name: problems for name, problems in audit.items()
              if name not in listed and problems}
    assert not others, "\n".join(report(name, problems) for name, problems in others.items())


FEEDBACK_CHAPTER = "06_schedules"
# (the output blocks of a page whose text runs past their right edge)
CUT_OFF_OUTPUTS = """[...document.querySelectorAll('div.output_area pre')]
    .filter(pre => pre.scrollWidth > pre.clientWidth + 1).map(pre => pre.textContent.slice(0, 90))"""


def test_feedback_pages_show_the_graders_sentences_whole(browser, graded):
    """At 1280 px no output line of a feedback page runs out of sight: each of the grader's sentences
    is one long line, which nbconvert's page would put in a box that scrolls sideways."""
    pages = sorted((graded[FEEDBACK_CHAPTER]["autograder"] / "feedback").glob(f"*/{FEEDBACK_CHAPTER}/*.html"))
    assert len(pages) == len(graded[FEEDBACK_CHAPTER]["expected"])
    tab = browser.tab
    tab.set_viewport_size(dict(zip(("width", "height"), WIDE)))
    for page in pages:
        tab.goto(page.as_uri(), wait_until="load")
        assert not tab.evaluate(CUT_OFF_OUTPUTS), page.parent.parent.name


def test_axe_core_is_installed():
    # The pages' tests above run without axe-core too; this says that its part did not.
    if not AXE_CORE.is_file():
        pytest.skip(AXE_HOW_TO_INSTALL)


# ------------------------------------------------------- the gate can fail

PLANTED = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Planted</title>
<link rel="stylesheet" href="missing.css"></head>
<body><main><article class="bd-article"><section id="s"><h1>A planted page</h1>
<p>Text with raw $$x^2$$ TeX and \\begin{aligned} left over.</p>
<div class="math"><mjx-container display="true"><mjx-merror data-mjx-error="\\tag not allowed in split environment">
\\tag not allowed in split environment</mjx-merror></mjx-container></div>
<mjx-container display="true" style="display:block; width:900px"><mjx-math style="display:block; width:900px">
wide</mjx-math></mjx-container>
<div class="math"><span class="eqno">(9.2)</span><mjx-container display="true">
<mjx-math><mjx-labels>(9.13)</mjx-labels>numbered twice</mjx-math></mjx-container></div>
<div class="math" style="overflow-x:auto"><mjx-container display="true" style="display:block">
<mjx-math style="display:block; width:2000px">too wide for a desktop</mjx-math></mjx-container></div>
<h3><code class="literal"><span class="pre">a_planted_function_name_far_longer_than_any_phone_can_hold()</span></code></h3>
<div class="cell_output"><pre style="width:300px; overflow-x:auto">short
a printed line far longer than its box, so that its end needs scrolling to be read at all</pre></div>
<div class="cell_input"><div class="highlight"><pre style="width:300px; overflow-x:auto">x = 1
y = "a line of code far longer than its box, its end out of sight unless scrolled to"</pre></div></div>
<img src="absent.png" alt="a plot">
<img src="wide.png" alt="0123456789abcdef0123456789abcdef.png" style="width:200px">
<a href="nowhere.html">a lost link</a> <a href="#no-such-anchor">a lost anchor</a>
<a href="https://example.org/">far</a>
<img src="https://example.org/remote.png" alt="remote">
</section></article></main></body></html>"""


def png(width, height):
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + \
            struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rows = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def test_the_gate_finds_planted_problems(browser, tmp_path):
    (tmp_path / "wide.png").write_bytes(png(700, 50))
    (tmp_path / "bad.html").write_text(PLANTED)
    problems = "\n".join(browser.audit(tmp_path, "bad.html", axe=False))
    expected = [
        'MathJax error "\\tag not allowed in split environment" in section "A planted page"',
        'raw TeX in the text of section "A planted page"',
        "the image absent.png in section \"A planted page\" did not load",
        "has a file name or hash as alt text",
        "is shown at 29 % of its natural width (200 of 700 px)",
        'the link "a lost link" (nowhere.html) leads to a missing file',
        "leads to a missing anchor #no-such-anchor of bad.html",
        "is wider than the column",
        'the printed line "a printed line far longer than its box, so that its end needs scrolling '
        'to be read at all" in section "A planted page" does not fit the column at 1280 px',
        'the line of code "y = "a line of code far longer than its box, its end out of sight unless '
        'scrolled to"" in section "A planted page" does not fit the column at 1280 px',
        'the equation too wide for a desktop in section "A planted page" does not fit the column '
        "at 1280 px",
        'the equation (9.13)numbered twice in section "A planted page" shows two numbers, (9.2) '
        "from Sphinx",
        "at 390 px, the page is wider than the window",
        'the code "a_planted_function_name_far_longer_than_any_phone_can_hold()" in section '
        '"A planted page"',
        "requested https://example.org/remote.png",
        "loads a missing local file",
    ]
    missed = [sentence for sentence in expected if sentence not in problems]
    assert not missed, f"the gate missed {missed}; it said:\n{problems}"
