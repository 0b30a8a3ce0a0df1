"""The page in a real browser: `streamlit run app.py` with the real model over a copy of the corpus, driven
through Playwright on Debian's Chromium. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest

from indexer.access import hash_password
from tests.conftest import CORPUS, REPO
from tests.ingest.convert.builders import leaflet_pdf, table_pdf

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = REPO / "tests" / "artifacts"
BENZO = "Benzodiazepine is okay when taken in moderate doses, but the higher the dose, the worse its effects are."
KETAMINE_FILE = "000_c89290b5e323cd66.txt"
EDITOR_PASSWORD = "browser test editor password"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed at /usr/bin/chromium "
                       "(apt-get install chromium; .ci/run does this)"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise TimeoutError(f"streamlit did not answer {url}/_stcore/health within {timeout} s")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The page on a free localhost port, over a corpus copy with its own index folder (never the repo's)."""
    root = tmp_path_factory.mktemp("browser")
    shutil.copytree(CORPUS, root / "corpus")
    yield from serve(root)


@pytest.fixture(scope="module")
def added_server(tmp_path_factory):
    """The page over a corpus copy to which a PDF with a ruled table and a PDF leaflet (with a bullet list) were
    added with `python -m indexer add`, as an editor would; yields the address and the corpus folder."""
    root = tmp_path_factory.mktemp("browser-added")
    shutil.copytree(CORPUS, root / "corpus")
    (root / "doses.pdf").write_bytes(table_pdf(
        [("Route", "Dose"), ("Intravenous", "0.5 mg/kg"), ("Nasal spray | esketamine", "56 or 84 mg")],
        title="Ketamine doses and routes", heading="Doses | routes",
        before="Ketamine is given into a vein or as a nasal spray, in these doses:",
        after="Your care team will check your blood pressure after each dose."))
    (root / "leaflet.pdf").write_bytes(leaflet_pdf(title="Ketamine Injection leaflet"))
    env = os.environ | {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    done = subprocess.run([sys.executable, "-m", "indexer", "add", str(root / "doses.pdf"), str(root / "leaflet.pdf"),
                           "--corpus", str(root / "corpus"), "--index", str(root / "index")],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    for url in serve(root):
        yield url, root / "corpus"


def serve(root: Path):
    """Runs `streamlit run app.py` over root/corpus and root/index until the generator is closed."""
    port = free_port()
    env = os.environ | {
        "KETAMINE_CORPUS_DIR": str(root / "corpus"),
        "KETAMINE_INDEX_DIR": str(root / "index"),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "KETAMINE_EDITOR_PASSWORD_HASH": hash_password(EDITOR_PASSWORD),
    }
    log = open(root / "streamlit.log", "wb")  # noqa: SIM115 - closed after the process ends
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", "--server.port", str(port), "--server.address", "127.0.0.1"],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://localhost:{port}"
    try:
        wait_healthy(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def wait_until_idle(page) -> None:
    """Until Streamlit has finished the current run (its 'Running…' indicator is gone)."""
    page.wait_for_timeout(300)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=120_000)
    page.wait_for_timeout(500)


def test_brand_name_question_cited_and_opened_in_source(server, browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 1100})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    page = context.new_page()
    page.goto(server)
    box = page.get_by_role("textbox", name="Your question")
    box.wait_for(timeout=60_000)
    box.fill("Can I take Xanax with ketamine?")
    box.press("Enter")

    card = page.locator(".qa-card").filter(has_text=BENZO).first
    card.wait_for(timeout=180_000)  # the first question waits for the model and the index build
    wait_until_idle(page)
    text = (CORPUS / KETAMINE_FILE).read_text(encoding="utf-8")
    start = text.index(BENZO)
    end = start + len(BENZO)
    assert "q=Can+I+take+Xanax" in page.url
    assert "Xanax → alprazolam (a benzodiazepine)" in page.locator(".qa-readas").inner_text()
    assert card.locator("mark.qa-best").inner_text() == BENZO
    citation = card.locator(".qa-cite").inner_text()
    assert "Balanced Ketamine — “Can You Have Other Medications With Ketamine Therapy?”" in citation
    assert f"2. Benzodiazepines (chars {start}–{end})" in citation
    page.screenshot(path=str(ARTIFACTS / "ask.png"), full_page=True)

    # A second question reuses the loaded model (its speed is measured by bench/speed.py, not asserted here).
    box.fill("Is lamotrigene safe with ketamine?")
    box.press("Enter")
    page.locator(".qa-readas").filter(has_text="lamotrigene → lamotrigine").wait_for(timeout=60_000)
    page.locator(".qa-card").filter(has_text="Lamotrigine is typically used").first.wait_for(timeout=60_000)
    wait_until_idle(page)

    box.fill("Can I take Xanax with ketamine?")
    box.press("Enter")
    card.wait_for(timeout=10_000)
    wait_until_idle(page)
    rank = int(card.locator(".qa-rank").inner_text())
    page.locator("button.qa-copy").nth(rank - 1).click()
    page.wait_for_timeout(300)
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith(f"“{BENZO}”") and f"(chars {start}–{end})" in copied

    page.get_by_role("button", name="Show in source").nth(rank - 1).click()
    mark = page.locator("mark#qa-cited")
    mark.wait_for(timeout=20_000)
    wait_until_idle(page)
    page.wait_for_timeout(1000)  # the scroll script polls every 100 ms
    assert mark.inner_text() == BENZO
    assert f"source=balanced-ketamine&start={start}&end={end}" in page.url
    top, bottom, height = mark.evaluate(
        "m => { const r = m.getBoundingClientRect(); return [r.top, r.bottom, window.innerHeight]; }")
    assert top >= 0 and bottom <= height, "the cited range is scrolled into view"
    assert page.locator(".qa-doc h4", has_text="2. Benzodiazepines").count() == 1
    page.screenshot(path=str(ARTIFACTS / "source.png"))
    context.close()


def test_uncovered_question_in_the_browser(server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 1100})
    page = context.new_page()
    page.goto(f"{server}/?q=Does+ketamine+cure+hair+loss+in+dogs%3F")
    page.locator(".qa-card").first.wait_for(timeout=180_000)
    wait_until_idle(page)
    assert "The sources don't cover this." in page.locator('[data-testid="stAlert"]').first.inner_text()
    assert page.locator(".qa-flag").count() == page.locator(".qa-card").count()
    page.screenshot(path=str(ARTIFACTS / "uncovered.png"), full_page=True)
    context.close()


def test_a_reader_cannot_edit_and_an_editor_can(server, browser, tmp_path):
    """A visitor sees the sources but no way to change them; signed in as an editor, they add a file and remove
    it again; signed out, the controls are gone."""
    context = browser.new_context(viewport={"width": 1280, "height": 1100})
    page = context.new_page()
    page.goto(server)
    page.get_by_role("textbox", name="Your question").wait_for(timeout=180_000)
    page.get_by_text("Sources", exact=True).click()
    page.locator('[data-testid="stVerticalBlock"]').filter(has_text="Index built").first.wait_for(timeout=60_000)
    wait_until_idle(page)
    assert page.get_by_role("button", name="Open").count() >= 2
    assert page.get_by_text("Add a source").count() == 0
    assert page.get_by_role("button", name="Remove").count() == 0
    page.screenshot(path=str(ARTIFACTS / "reader-sources.png"), full_page=True)

    page.get_by_text("Editor sign-in").click()
    page.get_by_label("Editor password").fill("not the password at all")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("That is not the editor password.").wait_for(timeout=30_000)
    assert page.get_by_text("Add a source").count() == 0
    page.get_by_label("Editor password").fill(EDITOR_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for(timeout=30_000)
    page.get_by_text("Add a source").wait_for(timeout=30_000)
    page.get_by_role("button", name="Remove").nth(1).wait_for(timeout=30_000)  # one on each source
    wait_until_idle(page)

    note = tmp_path / "grapefruit-note.txt"
    note.write_text("Grapefruit and ketamine\n\nGrapefruit juice slows the breakdown of ketamine taken by mouth.\n",
                    encoding="utf-8")
    page.get_by_text("Add a source").click()
    page.locator('input[type="file"]').first.set_input_files(str(note))
    page.get_by_role("button", name="Add the source").click()
    page.get_by_text("Added “Grapefruit and ketamine”").wait_for(timeout=180_000)
    wait_until_idle(page)
    page.screenshot(path=str(ARTIFACTS / "editor-sources.png"), full_page=True)
    card = page.locator('[class*="qa-src-grapefruit"]')
    card.get_by_role("button", name="Remove").click()
    page.get_by_role("button", name="Yes, remove it").click()
    page.get_by_text("Removed “Grapefruit and ketamine”").wait_for(timeout=120_000)
    wait_until_idle(page)

    page.get_by_role("button", name="Sign out").click()
    page.get_by_text("Editor sign-in").wait_for(timeout=30_000)
    wait_until_idle(page)
    assert page.get_by_text("Add a source").count() == 0
    assert page.get_by_role("button", name="Remove").count() == 0
    context.close()


def added_source(corpus: Path, original: str) -> tuple[str, str]:
    """The id and the text of the source added from the file `original`."""
    entries = tomllib.loads((corpus / "sources.toml").read_text(encoding="utf-8"))["source"]
    entry = next(e for e in entries if Path(e.get("original", "")).name == original)
    return entry["id"], (corpus / entry["file"]).read_text(encoding="utf-8")


def test_back_restores_each_view_and_added_sources_keep_their_tables(added_server, browser):
    """One press of Back after "Show in source" shows the answer; Back after opening a citation of the wording
    check shows the draft and its report; the question box is focused on load, grows with a long question and
    asks on Enter; an added PDF's table is a table with the cited cells marked, a PDF's bullets a list."""
    server, corpus = added_server
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 1100})
    page = context.new_page()
    page.goto(server)
    box = page.get_by_role("textbox", name="Your question")
    box.wait_for(timeout=60_000)
    page.wait_for_function("document.activeElement && document.activeElement.getAttribute('aria-label') "
                           "=== 'Your question'", timeout=10_000)

    # A long question is shown whole, with no hint drawn over it; Shift+Enter is a new line, not a question.
    one_line = box.evaluate("b => b.getBoundingClientRect().height")
    long_question = ("My doctor has prescribed ketamine infusions for depression and I already take lamotrigine, "
                     "an SSRI in the morning and sometimes a benzodiazepine at night when I cannot sleep, so I "
                     "would like to know whether any of these can change how well the infusions work")
    box.fill(long_question)
    box.press("Shift+Enter")
    box.type("or whether it is safe.")
    page.wait_for_timeout(500)
    assert "q=" not in page.url
    assert box.input_value() == long_question + "\nor whether it is safe."
    height, scroll = box.evaluate("b => [b.getBoundingClientRect().height, b.scrollHeight]")
    assert height > one_line and scroll <= height + 2, "the box grows to show the whole question"
    assert page.locator(".st-key-question [data-testid='InputInstructions']").filter(visible=True).count() == 0
    page.screenshot(path=str(ARTIFACTS / "long-question.png"))

    # Ask → Show in source → Back (one press): the answer again.
    box.fill("Can I take Xanax with ketamine?")
    box.press("Enter")
    card = page.locator(".qa-card").filter(has_text=BENZO).first
    card.wait_for(timeout=180_000)
    wait_until_idle(page)
    asked = page.url
    rank = int(card.locator(".qa-rank").inner_text())
    page.get_by_role("button", name="Show in source").nth(rank - 1).click()
    page.locator("mark#qa-cited").wait_for(timeout=20_000)
    wait_until_idle(page)
    assert "source=balanced-ketamine" in page.url
    page.go_back()
    card.wait_for(timeout=20_000)
    wait_until_idle(page)
    assert page.url == asked
    assert page.locator("mark#qa-cited").count() == 0 and page.locator('[data-testid="stAlert"]').count() == 0
    assert box.input_value() == "Can I take Xanax with ketamine?"

    # Check wording → check a draft → open a citation → Back (one press): the draft and the report.
    page.get_by_text("Check wording", exact=True).first.click()
    draft_box = page.get_by_role("textbox", name="Draft")
    draft_box.wait_for(timeout=20_000)
    wait_until_idle(page)
    assert "view=check" in page.url
    draft = f"{BENZO} Patients should drink two liters of water before each infusion."
    draft_box.fill(draft)
    draft_box.press("Control+Enter")
    wait_until_idle(page)
    page.locator(".st-key-check_button button").click()
    page.locator(".ck-summary").wait_for(timeout=180_000)
    wait_until_idle(page)
    checked = page.url
    page.get_by_role("button", name="Open in source").first.click()
    page.locator("mark#qa-cited").wait_for(timeout=20_000)
    wait_until_idle(page)
    assert "view=check" in page.url and "source=balanced-ketamine" in page.url
    page.go_back()
    page.locator(".ck-summary").wait_for(timeout=20_000)
    wait_until_idle(page)
    assert page.url == checked
    assert draft_box.input_value() == draft
    assert page.locator(".ck-draft").inner_text().startswith(BENZO)
    page.screenshot(path=str(ARTIFACTS / "check-after-back.png"), full_page=True)

    # An added PDF's table, opened at a citation that spans cells: a table, the cited characters marked.
    source_id, text = added_source(corpus, "doses.pdf")
    assert "| Route | Dose |\n| --- | --- |\n| Intravenous | 0.5 mg/kg |\n" in text, "the PDF's table is a Markdown table"
    start, end = text.index("Intravenous"), text.index("56 or 84 mg") + len("56 or 84 mg")
    page.goto(f"{server}/?{urlencode({'source': source_id, 'start': start, 'end': end})}")
    first = page.locator(".qa-doc table td mark#qa-cited")
    first.wait_for(timeout=60_000)
    wait_until_idle(page)
    page.wait_for_timeout(1000)  # the scroll script polls every 100 ms
    assert first.inner_text() == "Intravenous"
    marks = page.locator(".qa-doc table td mark")
    assert marks.all_inner_texts() == ["Intravenous", "0.5 mg/kg", "Nasal spray | esketamine", "56 or 84 mg"]
    assert page.locator(".qa-doc table th").all_inner_texts() == ["Route", "Dose"]
    assert "|---" not in page.locator(".qa-doc").inner_text() and "| ---" not in page.locator(".qa-doc").inner_text()
    top, bottom, height = first.evaluate(
        "m => { const r = m.getBoundingClientRect(); return [r.top, r.bottom, window.innerHeight]; }")
    assert top >= 0 and bottom <= height, "the cited cells are scrolled into view"
    page.screenshot(path=str(ARTIFACTS / "added-table.png"))

    # An added PDF leaflet: its bullets are a list, its headings headings.
    source_id, text = added_source(corpus, "leaflet.pdf")
    start = text.index("a faster heartbeat")
    page.goto(f"{server}/?{urlencode({'source': source_id, 'start': start, 'end': start + 40})}")
    page.locator(".qa-doc li mark#qa-cited").wait_for(timeout=60_000)
    wait_until_idle(page)
    assert page.locator(".qa-doc ul li").count() == 3
    assert page.locator(".qa-doc h4", has_text="Possible side effects").count() == 1
    page.screenshot(path=str(ARTIFACTS / "added-list.png"))
    context.close()
