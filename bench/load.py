"""Many users at once: the answer time of N browser sessions asking together, against one session alone.

    .venv/bin/python bench/load.py                  # 8 sessions (needs Debian's Chromium at /usr/bin/chromium)
    .venv/bin/python bench/load.py --sessions 4 --keep     # fewer sessions; keep the logs
    .venv/bin/python bench/load.py --long 20        # a short question while 20 sessions ask 8,000 characters each

With --long N, one server answers a short question alone (the median of three), then N sessions each ask a
different 8,000-character question at once and, a second later, another session asks the short question: the
figures are load_short_alone_s, load_short_with_long_s and load_short_over_alone (how many times its lone time
the short question took), and load_long_max_s (the slowest long question). Heavy work takes turns on the page
(ui/fairness.py), so the short question is not queued behind the long ones.

The page (`streamlit run app.py`) runs on a free 127.0.0.1 port over a copy of corpus/ with its own
temporary index (built first with `python -m indexer build`), and headless Chromium pages drive it through
Playwright as a person would: type the question, press Enter, wait until the answer's passages are shown and
the page's run has finished. The server is started twice, each time fresh (so every question meets the same
caches): the first serves the questions one at a time (lone), the second serves N sessions that press Enter
together, each with its own question. Both start with the same warm-up question, which loads the model and the
index. Every wait is bounded; the servers and the browser are stopped by the script, whatever happens.

Answer times include the browser's own work, on the same cores as the server. The last line holds
`name=value` pairs: load_lone_s (median over the questions asked alone), load_lone_max_s,
load_concurrent_median_s, load_concurrent_max_s and load_max_over_lone (slowest concurrent / lone median).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import REPO, last_line, machine  # noqa: E402

log = logging.getLogger("bench.load")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
QUESTIONS = REPO / "tests" / "eval" / "questions.jsonl"
WARM_UP = "What is ketamine?"
MAX_SESSIONS = 32
START_TIMEOUT_S = 180
ANSWER_TIMEOUT_S = 300
IDLE_TIMEOUT_S = 120


def questions(count: int) -> list[str]:
    with open(QUESTIONS, encoding="utf-8") as f:
        asked = [json.loads(line)["question"] for line in f if line.strip()]
    distinct = [q for q in dict.fromkeys(asked) if q != WARM_UP]
    if count > len(distinct):
        raise SystemExit(f"--questions {count} is more than the {len(distinct)} questions of {QUESTIONS.name}.")
    return distinct[:count]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_index(corpus: Path, index: Path) -> None:
    env = os.environ | {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    subprocess.run([sys.executable, "-m", "indexer", "build", "--corpus", str(corpus), "--index", str(index)],
                   cwd=REPO, env=env, check=True, capture_output=True, timeout=START_TIMEOUT_S)


class Server:
    """`streamlit run app.py` on 127.0.0.1, stopped when the `with` block ends."""

    def __init__(self, corpus: Path, index: Path, log_file: Path) -> None:
        self.corpus, self.index, self.log_file = corpus, index, log_file
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        env = os.environ | {"KETAMINE_CORPUS_DIR": str(self.corpus), "KETAMINE_INDEX_DIR": str(self.index),
                            "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
        self.output = open(self.log_file, "ab")  # noqa: SIM115 - closed in __exit__
        self.process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
             "--server.port", str(self.port), "--server.address", "127.0.0.1"],
            cwd=REPO, env=env, stdout=self.output, stderr=subprocess.STDOUT,
        )
        try:
            self._wait_healthy()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited with status {self.process.returncode}; see {self.log_file}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.read().strip() == b"ok":
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise TimeoutError(f"streamlit did not start within {START_TIMEOUT_S} s")

    def wait_idle(self, busy_share: float = 0.05, limit_s: float = IDLE_TIMEOUT_S) -> None:
        """Until the server used under 5% of a core over one second (at most `limit_s`)."""
        import psutil

        process = psutil.Process(self.process.pid)
        process.cpu_percent(None)
        deadline = time.monotonic() + limit_s
        while time.monotonic() < deadline:
            if process.cpu_percent(interval=1.0) < busy_share * 100:
                return
        log.warning("The server was still busy after %.0f s; measuring anyway.", limit_s)

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.output.close()


async def open_session(browser, url: str):
    """A fresh browser context on the page, with the question box ready."""
    context = await browser.new_context(viewport={"width": 1280, "height": 1000})
    page = await context.new_page()
    await page.goto(url, timeout=START_TIMEOUT_S * 1000)
    box = page.get_by_role("textbox", name="Your question")
    await box.wait_for(timeout=START_TIMEOUT_S * 1000)
    await idle(page)
    return context, page


async def idle(page) -> None:
    await page.wait_for_timeout(200)
    await page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=ANSWER_TIMEOUT_S * 1000)


async def ask(page, question: str, start: asyncio.Event | None = None) -> float:
    """Seconds from pressing Enter until the answer is shown and the page's run has finished."""
    box = page.get_by_role("textbox", name="Your question")
    await box.fill(question)
    if start is not None:
        await start.wait()
    began = time.perf_counter()
    await box.press("Enter")
    await page.wait_for_function(
        "q => { const u = new URL(location.href); return u.searchParams.get('q') === q &&"
        " document.querySelectorAll('.qa-card').length > 0; }", arg=question, polling=50,
        timeout=ANSWER_TIMEOUT_S * 1000)
    await page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=ANSWER_TIMEOUT_S * 1000)
    elapsed = time.perf_counter() - began
    if await page.locator('[data-testid="stException"]').count():
        raise RuntimeError(f"the page showed an exception for {question!r}")
    return elapsed


async def warm_up(browser, server: Server) -> None:
    """The first question loads the model and the index; the page then encodes the passages' sentences in the
    background: wait until the server is idle, so that measured questions do not share it with that work."""
    context, page = await open_session(browser, server.url)
    await ask(page, WARM_UP)
    await context.close()
    await asyncio.to_thread(server.wait_idle)


async def lone_times(browser, server: Server, asked: list[str]) -> list[float]:
    await warm_up(browser, server)
    times = []
    for question in asked:
        context, page = await open_session(browser, server.url)
        times.append(await ask(page, question))
        await context.close()
        log.info("alone: %.2f s  %s", times[-1], question)
    return times


async def concurrent_times(browser, server: Server, asked: list[str]) -> list[float]:
    await warm_up(browser, server)
    sessions = [await open_session(browser, server.url) for _ in asked]
    await asyncio.to_thread(server.wait_idle)
    start = asyncio.Event()
    tasks = [asyncio.create_task(ask(page, q, start)) for (_, page), q in zip(sessions, asked, strict=True)]
    await asyncio.sleep(0.5)  # every box is filled and waiting
    start.set()
    times = await asyncio.gather(*tasks)
    for (context, _), question, seconds in zip(sessions, asked, times, strict=True):
        log.info("together: %.2f s  %s", seconds, question)
        await context.close()
    return list(times)


async def measure(sessions: int, root: Path) -> dict[str, float | int]:
    from playwright.async_api import async_playwright

    corpus, index = root / "corpus", root / "index"
    shutil.copytree(REPO / "corpus", corpus)
    build_index(corpus, index)
    asked = questions(sessions)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            with Server(corpus, index, root / "streamlit-lone.log") as server:
                lone = await lone_times(browser, server, asked)
            with Server(corpus, index, root / "streamlit-concurrent.log") as server:
                together = await concurrent_times(browser, server, asked)
        finally:
            await browser.close()
    lone_median = statistics.median(lone)
    return {
        "load_sessions": sessions,
        "load_lone_s": lone_median,
        "load_lone_max_s": max(lone),
        "load_concurrent_median_s": statistics.median(together),
        "load_concurrent_max_s": max(together),
        "load_max_over_lone": max(together) / lone_median,
    }


LONG_CHARS = 8_000
SHORT = "Can I take Xanax with ketamine?"


def long_questions(count: int) -> list[str]:
    """`count` different questions of LONG_CHARS characters: a long message from the seed articles' words, ending
    in a question."""
    words = (REPO / "corpus" / "000_c89290b5e323cd66.txt").read_text(encoding="utf-8").split()
    out = []
    for n in range(count):
        picked = words[n * 7 % len(words):] + words
        text = f"Message {n + 1}: " + " ".join(picked)
        out.append(text[: LONG_CHARS - 40].rstrip() + " Is ketamine safe with my medicines?")
    return out


async def short_among_long(browser, server: Server, count: int) -> dict[str, float]:
    await warm_up(browser, server)
    alone = []
    for _ in range(3):
        context, page = await open_session(browser, server.url)
        alone.append(await ask(page, SHORT))
        await context.close()
    sessions = [await open_session(browser, server.url) for _ in range(count)]
    short_context, short_page = await open_session(browser, server.url)
    await asyncio.to_thread(server.wait_idle)
    start = asyncio.Event()
    tasks = [asyncio.create_task(ask(page, q, start))
             for (_, page), q in zip(sessions, long_questions(count), strict=True)]
    await asyncio.sleep(0.5)
    start.set()
    await asyncio.sleep(1.0)  # the long questions are being worked on
    short = await ask(short_page, SHORT)
    longs = await asyncio.gather(*tasks)
    for context, _ in [*sessions, (short_context, short_page)]:
        await context.close()
    lone = statistics.median(alone)
    log.info("short alone %.2f s; with %d long questions %.2f s; slowest long %.2f s", lone, count, short,
             max(longs))
    return {"load_long_sessions": count, "load_short_alone_s": lone, "load_short_with_long_s": short,
            "load_short_over_alone": short / lone, "load_long_max_s": max(longs)}


async def measure_long(count: int, root: Path) -> dict[str, float | int]:
    from playwright.async_api import async_playwright

    corpus, index = root / "corpus", root / "index"
    shutil.copytree(REPO / "corpus", corpus)
    build_index(corpus, index)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            with Server(corpus, index, root / "streamlit-long.log") as server:
                return await short_among_long(browser, server, count)
        finally:
            await browser.close()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sessions", type=int, default=8, help=f"concurrent sessions (1 to {MAX_SESSIONS}; default 8)")
    p.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, index) and print it")
    p.add_argument("--long", type=int, default=0, metavar="N",
                   help="instead: a short question while N sessions ask 8,000-character questions")
    args = p.parse_args(argv)
    if not 0 <= args.long <= MAX_SESSIONS:
        p.error(f"--long must be between 1 and {MAX_SESSIONS}. Got {args.long}.")
    if not 1 <= args.sessions <= MAX_SESSIONS:
        p.error(f"--sessions must be between 1 and {MAX_SESSIONS}. Got {args.sessions}.")
    if not CHROMIUM.exists():
        p.error(f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium).")
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    root = Path(tempfile.mkdtemp(prefix="bench-load-"))
    try:
        if args.long:
            log.info("%s; a short question among %d long ones", machine(), args.long)
            figures = asyncio.run(measure_long(args.long, root))
        else:
            log.info("%s; %d sessions", machine(), args.sessions)
            figures = asyncio.run(measure(args.sessions, root))
    finally:
        if args.keep:
            log.info("kept %s", root)
        else:
            shutil.rmtree(root, ignore_errors=True)
    print(last_line(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
