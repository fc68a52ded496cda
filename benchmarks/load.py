"""Load: sessions against a real `streamlit run app.py`, ramping 1 → 10 → 25.

    uv run python -m benchmarks.load [--stages 1,10,25] [--stage-seconds 60] [--people 0]
        [--think 2] [--browser]

Starts the app itself on 127.0.0.1 (demo mode) with its own temporary database holding the
bundled sample (or, with --people N, a generated organisation of N people). Each session speaks
Streamlit's own websocket protocol (benchmarks/protocol.py): it sends the rerun_script message a
browser sends for a click or a page change and reads the answer until script_finished, so a
step's time is the server's work for that rerun and no renderer competes with the server for
the CPU. `--browser` drives Debian's Chromium through Playwright instead (one context per
session; on 2 cores the renderers starve the server, so those figures measure Chromium).

Engineers browse the overview and the coverage explorer and file rotation requests; managers
browse, run the rotation planner, save the plan and approve a rotation. One more session runs
the planner over and over (the long solve) and a background thread runs `python -m skills load`
of the same data every --import-every seconds, as cron would. Between steps a session waits
--think seconds (uniform between half and one and a half times it, seeded), as a person reads
the page; `--think 0` makes every session click as fast as the server answers.

Prints p50/p95 page-rerun time per step and stage, server RSS, open file descriptors and
child processes, and checks the pass criteria: no session sees an error, every request filed is
stored exactly once, every import succeeds, p95 ≤ 2 s at 10 sessions and ≤ 4 s at 25.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("CROSSTRAIN_CHROMIUM", "/usr/bin/chromium"))
P95_LIMITS = {10: 2.0, 25: 4.0}
# Not one page rerun: the wait for a whole solve, and the progress fragment's own polls; the
# browser driver's sign-in is a page load plus a click.
NOT_PAGE_RERUNS = frozenset({"run planner", "plan poll"})
NOTE_TAG = "load-test"
ERROR_WORDS = re.compile(r"Something went wrong|is busy with another import|Traceback")


# ----------------------------------------------------------------------------- the server


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    url: str
    db: Path
    log: Path

    def stats(self) -> dict[str, float]:
        """RSS (MB), open file descriptors and live child processes of the server."""
        pid = self.process.pid
        rss = 0.0
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) / 1024
        fds = len(os.listdir(f"/proc/{pid}/fd"))
        children = sum(len(Path(f"/proc/{pid}/task/{task}/children").read_text().split())
                       for task in os.listdir(f"/proc/{pid}/task")
                       if Path(f"/proc/{pid}/task/{task}/children").exists())
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return {"rss_mb": round(rss, 1), "fds": fds, "children": children,
                "cpu_s": round(cpu, 1)}

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=15)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prepare_data(folder: Path, people: int) -> Path:
    """The data the server serves and the cron job re-imports: the bundled sample, or a
    generated organisation in which the demo people (P082 engineer, P002 manager) exist."""
    from skills.ingest.sample import SAMPLE_DIR, generate, write_csv

    if not people:
        return SAMPLE_DIR
    dataset = generate(people=people, teams=max(8, people // 27), skills=36, seed=13)
    # Generated ids are P0001…; the demo identities are the sample's P002 and P082.
    rename = {"P0002": "P002", "P0082": "P082", "P0011": "P011"}
    for frame, columns in ((dataset.people, ("person_id", "manager_id")),
                           (dataset.ratings, ("person_id",)),
                           (dataset.requests, ("person_id",))):
        for column in columns:
            if column in frame:
                frame[column] = frame[column].replace(rename)
    out = folder / f"org-{people}"
    write_csv(dataset, out)
    return out


PROBE = Path(__file__).resolve().parent / "memprobe"


def start_server(folder: Path, data: Path, options: tuple[str, ...] = (),
                 probe: Path | None = None) -> Server:
    """`streamlit run app.py` on its own database; `options` are more `--name value` pairs.
    With `probe`, the server writes what its memory is made of to that file every few seconds
    (benchmarks/memprobe/sitecustomize.py)."""
    db = folder / "crosstrain.duckdb"
    loaded = subprocess.run([sys.executable, "-m", "skills", "load", str(data), "--db", str(db)],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    if loaded.returncode != 0:
        raise SystemExit(f"could not load {data}: {loaded.stderr}")
    port = _free_port()
    log = folder / "server.log"
    env = {**os.environ, "CROSSTRAIN_DB": str(db)}
    # As `make run` serves it: glibc gives every thread that allocates its own malloc arena,
    # and Streamlit runs each session's script on a thread of its own, so without a cap the
    # RSS of a busy server climbs for many minutes (5,000 people, 4 sessions: 330 MB after
    # 15 s, 650 MB after 5 min) where with two arenas it levels off at about 430 MB.
    env.setdefault("MALLOC_ARENA_MAX", "2")
    env.pop("CROSSTRAIN_DEMO_IDENTITY", None)  # sessions choose their own demo identity
    if probe is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(PROBE), env.get("PYTHONPATH"))))
        env["CROSSTRAIN_MEMPROBE"] = str(probe)
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false",
             # Other people edit this working tree: serve the code as it was at the start.
             "--server.fileWatcherType", "none", *options],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return Server(process, url, db, log)
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            server = Server(process, url, db, log)
            server.stop()
            raise SystemExit(f"streamlit did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)  # the server is not up yet: there is no app state to wait on


# ------------------------------------------------------------ browser sessions (--browser)


@dataclass
class Results:
    times: dict[tuple[int, str], list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    filed: list[str] = field(default_factory=list)
    approved: int = 0
    nothing_to_approve: int = 0
    no_plan: list[str] = field(default_factory=list)
    solves: list[float] = field(default_factory=list)
    imports: list[tuple[int, float, str]] = field(default_factory=list)
    samples: list[dict[str, Any]] = field(default_factory=list)


async def wait_for_app(page: Any, timeout: float = 60_000) -> None:
    """Connected, the script run finished, and no element still a skeleton."""
    await page.locator("[data-testid='stApp'][data-test-connection-state='CONNECTED']"
                       ).wait_for(state="attached", timeout=timeout)
    await page.locator("[data-testid='stApp'][data-test-script-state='notRunning']"
                       ).wait_for(state="attached", timeout=timeout)
    await page.get_by_test_id("stSkeleton").first.wait_for(state="detached", timeout=timeout)


async def _rerun(page: Any, action: Any, done: Any = None, timeout: float = 60_000) -> float:
    """Seconds from the action until what it should show (`done`) is there and the app's
    script has finished: a click returns before the rerun starts, so the state alone could
    still be the previous run's."""
    started = time.perf_counter()
    await action()
    if done is not None:
        await done.first.wait_for(state="visible", timeout=timeout)
    await wait_for_app(page, timeout)
    return time.perf_counter() - started


async def _check(page: Any, where: str, results: Results) -> None:
    if await page.get_by_test_id("stException").count():
        results.errors.append(f"{where}: an exception is shown")
    alerts = page.get_by_test_id("stAlertContentError")
    for index in range(await alerts.count()):
        text = await alerts.nth(index).inner_text()
        results.errors.append(f"{where}: {text[:200]}")
    body = await page.locator("body").inner_text()
    if ERROR_WORDS.search(body):
        results.errors.append(f"{where}: {ERROR_WORDS.search(body).group(0)}")  # type: ignore[union-attr]


HEADINGS = {"Overview": "Coverage overview", "Coverage explorer": "Coverage explorer",
            "Rotation requests": "Rotation requests", "Rotation plan": "Rotation plan"}


async def _nav(page: Any, title: str) -> float:
    link = page.get_by_test_id("stSidebarNavLink").filter(has_text=title).first
    heading = page.get_by_role("heading", name=HEADINGS[title], exact=True)
    return await _rerun(page, link.click, heading)


async def _sign_in(page: Any, url: str, role: str) -> float:
    async def go() -> None:
        await page.goto(url)
        await wait_for_app(page)
        await page.get_by_role("button", name=re.compile(f"· {role} ·")).first.click()

    return await _rerun(page, go, page.get_by_test_id("stSidebarNavLink"))


async def engineer_round(page: Any, stage: int, name: str, n: int, results: Results) -> None:
    record = results.times
    record[(stage, "overview")].append(await _nav(page, "Overview"))
    await _check(page, "overview", results)
    record[(stage, "coverage")].append(await _nav(page, "Coverage explorer"))
    await _check(page, "coverage", results)
    record[(stage, "requests page")].append(await _nav(page, "Rotation requests"))
    note = f"{NOTE_TAG} {name} {n}"
    await page.get_by_label("Note for the manager").fill(note)
    record[(stage, "file request")].append(await _rerun(
        page, page.get_by_role("button", name="File request").click,
        page.get_by_text(re.compile(r"Request R\d+ filed|The request was not filed"))))
    await _check(page, "file request", results)
    filed = page.get_by_text(re.compile(r"Request R\d+ filed"))
    if await filed.count():
        found = re.search(r"R\d+", await filed.first.inner_text())
        if found:
            results.filed.append(found.group(0))
    else:
        shown = (await page.locator("section.main, [data-testid='stMain']").first.inner_text())
        results.errors.append(f"file request ({note}): no confirmation shown: {shown[:600]!r}")


async def manager_round(page: Any, stage: int, results: Results, approve: bool = True) -> None:
    record = results.times
    if approve:
        record[(stage, "overview")].append(await _nav(page, "Overview"))
        await _check(page, "overview", results)
        record[(stage, "coverage")].append(await _nav(page, "Coverage explorer"))
    record[(stage, "plan page")].append(await _nav(page, "Rotation plan"))
    # The plan runs in the background (a fragment polls it): done when its outcome shows.
    outcome = page.get_by_role("button", name="Save as a plan version for approval").or_(
        page.get_by_text(re.compile(r"^No plan (in time|keeps)")))
    seconds = await _rerun(page, page.get_by_role("button", name="Run the planner").click,
                           outcome, timeout=300_000)
    record[(stage, "run planner")].append(seconds)
    results.solves.append(seconds)
    await _check(page, "run planner", results)
    if not approve:
        return
    record[(stage, "save plan")].append(await _rerun(
        page, page.get_by_role("button", name="Save as a plan version for approval").click,
        page.get_by_text(re.compile(r"^Saved as plan version \d+"))))
    await _check(page, "save plan", results)
    if await page.get_by_label("Rationale").count():
        rationale = page.get_by_label("Rationale")
        await rationale.fill(f"{NOTE_TAG} approval")
        caption = page.get_by_text(re.compile(r"^v\d+: .* approved"))
        before = await caption.first.inner_text()
        record[(stage, "approve")].append(await _rerun(
            page, page.get_by_role("button", name="Record decision").click,
            page.get_by_text(re.compile(r"^v\d+: .* approved")).filter(
                has_not_text=before)))
        await _check(page, "approve", results)
        results.approved += 1


async def open_session(browser: Any, url: str, role: str, stage: int,
                       results: Results) -> tuple[Any, Any] | None:
    """A signed-in browser context, or None after recording why it could not sign in."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    page.set_default_timeout(120_000)
    try:
        seconds = await _sign_in(page, url, role)
        results.times[(stage, "sign in")].append(seconds)
        await _check(page, "sign in", results)
        return context, page
    except Exception as error:
        results.errors.append(f"sign in as {role}: {type(error).__name__}: {str(error)[:300]}")
        await context.close()
        return None


async def run_session(session: tuple[Any, Any] | None, role: str, name: str, stage: int,
                      stop_at: float, results: Results, long_solve: bool = False) -> None:
    if session is None:
        return
    context, page = session
    try:
        n = 0
        while time.monotonic() < stop_at:
            n += 1
            if role == "engineer":
                await engineer_round(page, stage, name, n, results)
            else:
                await manager_round(page, stage, results, approve=not long_solve)
    except Exception as error:  # a step that timed out is an error the session saw
        state = await page.locator("[data-testid='stApp']").first.evaluate(
            "e => [e.dataset.testConnectionState, e.dataset.testScriptState]")
        results.errors.append(f"{name}: {type(error).__name__}: {str(error)[:300]} "
                              f"(app state {state})")
    finally:
        await context.close()


def cron_imports(data: Path, db: Path, every: float, stop: threading.Event,
                 results: Results) -> None:
    """`python -m skills load` of the same data every `every` seconds, as cron would."""
    while not stop.wait(every):
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "skills", "load", str(data), "--db",
                               str(db)], cwd=ROOT, capture_output=True, text=True, timeout=600)
        results.imports.append((done.returncode, time.perf_counter() - started,
                                done.stderr[-300:]))


def sample_server(server: Server, stop: threading.Event, every: float,
                  results: Results) -> None:
    started = time.monotonic()
    while True:
        with contextlib.suppress(OSError, ValueError):  # the server has just gone
            results.samples.append({"t": round(time.monotonic() - started, 1),
                                    **server.stats(), "load1": os.getloadavg()[0],
                                    "db_mb": round(server.db.stat().st_size / 2**20, 2)})
        if stop.wait(every):
            return


async def drive_browser(server: Server, stages: list[int], stage_seconds: float,
                        results: Results, long_solve: bool = True,
                        warm_up: bool = True) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--disable-dev-shm-usage"])
        try:
            if warm_up:
                # Found by this script: when the first two visitors of a fresh server arrive at
                # once, one of them can get "cannot import name 'run_guarded' from
                # 'pages._shared'" (both threads import the page module, which reruns during
                # its import). The stages start on a warm server.
                await run_session(await open_session(browser, server.url, "engineer", 0,
                                                     results),
                                  "engineer", "warm-up", 0, time.monotonic(), results)
            for stage in stages:
                roles, names = stage_roles(stage, long_solve)
                # Everyone signs in first (timed as "sign in"); the stage's clock starts after.
                opened = await asyncio.gather(*(open_session(browser, server.url, role, stage,
                                                             results) for role in roles))
                stop_at = time.monotonic() + stage_seconds
                await asyncio.gather(*(
                    run_session(session, role, name, stage, stop_at, results,
                                long_solve=name.endswith("solver"))
                    for session, role, name in zip(opened, roles, names, strict=True)))
                print(f"stage {stage}: done, server {server.stats()}", flush=True)
        finally:
            await browser.close()


# ------------------------------------------------------- protocol sessions (the default)


@dataclass
class Pace:
    """Think time between steps: uniform in [think/2, 3·think/2], from one seeded stream."""

    think: float
    rng: random.Random = field(default_factory=lambda: random.Random(13))
    until: float = float("inf")  # the stage's end: no new step starts after it

    async def pause(self) -> None:
        if self.think > 0:
            await asyncio.sleep(self.rng.uniform(self.think / 2, self.think * 1.5))


class StageOver(Exception):
    """The stage's time is up: the session stops before its next step."""


def _seen(session: Any, where: str, results: Results) -> None:
    results.errors.extend(f"{where}: {problem}" for problem in session.problems())


async def _step(session: Any, stage: int, step: str, results: Results, pace: Pace,
                action: Any) -> float:
    """One user action: think, act, record the rerun's seconds, look for errors."""
    await pace.pause()
    if time.monotonic() > pace.until:
        action.close()  # the coroutine of the step that is not taken
        raise StageOver
    seconds = float(await action)
    results.times[(stage, step)].append(seconds)
    _seen(session, step, results)
    return seconds


async def protocol_sign_in(url: str, role: str, stage: int, results: Results) -> Any:
    """A signed-in protocol session, or None after recording why it could not sign in."""
    from benchmarks.protocol import Session

    session = Session(url)
    try:
        results.times[(stage, "open")].append(await session.open())
        results.times[(stage, "sign in")].append(
            await session.click(re.compile(f"· {role} ·")))
        _seen(session, "sign in", results)
        if "Overview" not in session.pages:
            raise RuntimeError(f"no navigation after signing in; the page shows "
                               f"{session.texts()[:5]}")
        return session
    except Exception as error:
        results.errors.append(f"sign in as {role}: {type(error).__name__}: {str(error)[:300]}")
        await session.close()
        return None


async def protocol_engineer(session: Any, stage: int, name: str, n: int, results: Results,
                            pace: Pace, open_requests: int | None = None,
                            mine: list[str] | None = None) -> None:
    """Browse, then file a request. With `open_requests`, a session that already has that
    many of its own requests open first withdraws the oldest, as a person who changed their
    mind: every engineer session is the one demo engineer, so without it that person's open
    requests grow by one a round (60 in ten minutes), which no organisation has."""
    mine = [] if mine is None else mine
    for title, step in (("Overview", "overview"), ("Coverage explorer", "coverage"),
                        ("Rotation requests", "requests page")):
        await _step(session, stage, step, results, pace, session.navigate(title))
    while open_requests is not None and len(mine) >= max(1, open_requests):
        oldest = mine.pop(0)
        button, think = session.button_with_key(f"rr-withdraw-{oldest}"), pace
        if button is None:
            # Not a card: one of the rows under "More open requests", withdrawn by picking it.
            picker = [w for w in session.widgets("multiselect")
                      if w.label == "Withdraw requests" and oldest in w.options]
            if not picker:
                continue  # decided meanwhile (a plan proposed or approved it): no longer open
            # Picking reruns the page (the button is live only once something is picked).
            await _step(session, stage, "pick to withdraw", results, pace,
                        session.change("Withdraw requests", [oldest]))
            button, think = session.widget("Withdraw the picked requests", "button"), Pace(0)
            if button.proto.disabled:
                # Meanwhile a plan proposed it, and it moved up to the cards (or was decided).
                session.set("Withdraw requests", [])
                button = session.button_with_key(f"rr-withdraw-{oldest}")
                if button is None:
                    continue
        await _step(session, stage, "withdraw", results, think, session.click(button))
        if any(w.label == "Withdraw requests" for w in session.widgets("multiselect")):
            session.set("Withdraw requests", [])  # the page emptied the pick, as a browser shows
    note = f"{NOTE_TAG} {name} {n}"
    await pace.pause()
    session.set("Note for the manager", note)
    await _step(session, stage, "file request", results, Pace(0),
                session.click("File request"))
    filed = session.has_text(re.compile(r"Request R\d+ filed"))
    found = re.search(r"R\d+", filed) if filed else None
    if found:
        results.filed.append(found.group(0))
        mine.append(found.group(0))
    else:
        results.errors.append(f"file request ({note}): no confirmation shown; alerts "
                              f"{session.alerts()[:4]}")


def _planner_idle(session: Any) -> bool:
    """The background plan is over: nothing polls any more and the button is live again."""
    if session.auto_reruns:
        return False
    buttons = [w for w in session.widgets("button") if w.label == "Run the planner"]
    return bool(buttons) and not buttons[0].proto.disabled


async def protocol_manager(session: Any, stage: int, results: Results, pace: Pace,
                           approve: bool = True) -> None:
    if approve:
        await _step(session, stage, "overview", results, pace, session.navigate("Overview"))
        await _step(session, stage, "coverage", results, pace,
                    session.navigate("Coverage explorer"))
    await _step(session, stage, "plan page", results, pace, session.navigate("Rotation plan"))
    await pace.pause()
    started = time.perf_counter()
    await _step(session, stage, "start planner", results, Pace(0),
                session.click("Run the planner"))
    # The plan runs as a job; the page's fragment polls it every 0.5 s (each poll is a
    # fragment rerun, timed as "plan poll") and reruns the page when the job is done.
    await session.wait_for(_planner_idle, timeout=300,
                           on_rerun=results.times[(stage, "plan poll")].append)
    seconds = time.perf_counter() - started
    results.times[(stage, "run planner")].append(seconds)
    results.solves.append(seconds)
    _seen(session, "run planner", results)
    save = "Save as a plan version for approval"
    if not any(w.label == save for w in session.widgets("button")):
        shown = session.alerts()
        if session.has_text(re.compile(r"^No plan in time")):
            results.no_plan.append(f"{stage}: {shown[-1][:200] if shown else ''}")
        else:
            results.errors.append(f"run planner: no plan to save; alerts {shown[:4]}")
        return
    if not approve:
        return
    await _step(session, stage, "save plan", results, pace, session.click(save))
    if not session.has_text(re.compile(r"^Saved as plan version \d+")):
        results.errors.append(f"save plan: no confirmation; alerts {session.alerts()[:4]}")
        return
    editors = session.editors()
    frame = editors[0][1] if editors else None
    rows = ([] if frame is None or "check" not in frame else
            [i for i, check in enumerate(frame["check"]) if check == "keeps every rule"])
    if not rows:
        results.nothing_to_approve += 1
        return
    await _step(session, stage, "choose decision", results, pace,
                session.edit(editors[0][0], {rows[0]: {"choice": "approved"}}))
    await pace.pause()
    session.set("Rationale for the selection", f"{NOTE_TAG} approval")
    await _step(session, stage, "approve", results, Pace(0),
                session.click(re.compile(r"^Record 1 decision$")))
    if session.has_text(re.compile(r"^Recorded 1 decision on v\d+: 1 approved")):
        results.approved += 1
    else:
        results.errors.append(f"approve: no confirmation; alerts {session.alerts()[:4]}")


async def protocol_session(session: Any, role: str, name: str, stage: int, stop_at: float,
                           results: Results, pace: Pace, long_solve: bool = False,
                           open_requests: int | None = None) -> None:
    if session is None:
        return
    mine: list[str] = []
    try:
        n = 0
        while time.monotonic() < stop_at:
            n += 1
            if role == "engineer":
                await protocol_engineer(session, stage, name, n, results, pace, open_requests,
                                        mine)
            else:
                await protocol_manager(session, stage, results, pace, approve=not long_solve)
    except StageOver:
        pass
    except Exception as error:  # a step that failed or timed out is an error the user saw
        results.errors.append(f"{name}: {type(error).__name__}: {str(error)[:400]}")
    finally:
        await session.close()


async def drive_protocol(server: Server, stages: list[int], stage_seconds: float,
                         results: Results, long_solve: bool = True, warm_up: bool = True,
                         think: float = 2.0, open_requests: int | None = None) -> None:
    pace = Pace(think)
    if warm_up:
        # The first visitors of a fresh server import every module; the stages start warm.
        session = await protocol_sign_in(server.url, "engineer", 0, results)
        await protocol_session(session, "engineer", "warm-up", 0, time.monotonic() + 1,
                               results, Pace(0))
    for stage in stages:
        roles, names = stage_roles(stage, long_solve)
        opened = await asyncio.gather(*(protocol_sign_in(server.url, role, stage, results)
                                        for role in roles))
        stop_at = time.monotonic() + stage_seconds
        pace.until = stop_at
        await asyncio.gather(*(
            protocol_session(session, role, name, stage, stop_at, results, pace,
                             long_solve=name.endswith("solver"), open_requests=open_requests)
            for session, role, name in zip(opened, roles, names, strict=True)))
        print(f"stage {stage}: done, server {server.stats()}", flush=True)


def stage_roles(stage: int, long_solve: bool) -> tuple[list[str], list[str]]:
    """Two engineers to one manager, plus the session that re-runs the planner."""
    roles = ["manager" if i % 3 == 2 else "engineer" for i in range(stage)]
    names = [f"s{stage}-{i}" for i in range(stage)]
    if long_solve:
        roles.append("manager")
        names.append(f"s{stage}-solver")
    return roles, names


async def drive(server: Server, stages: list[int], stage_seconds: float, results: Results,
                long_solve: bool = True, warm_up: bool = True, think: float = 2.0,
                browser: bool = False, open_requests: int | None = None) -> None:
    if browser:
        await drive_browser(server, stages, stage_seconds, results, long_solve, warm_up)
    else:
        await drive_protocol(server, stages, stage_seconds, results, long_solve, warm_up,
                             think, open_requests)


# ------------------------------------------------------------------------------ reporting


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def stored_requests(db: Path) -> list[str]:
    done = subprocess.run([sys.executable, "-m", "skills", "requests", "list", "--db", str(db)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise SystemExit(f"requests list failed: {done.stderr}")
    return [row["request_id"] for row in json.loads(done.stdout)]


def report(results: Results, server: Server, stages: list[int]) -> list[str]:
    """Print the figures; the pass criteria that failed, in words."""
    failures: list[str] = []
    print(f"{'stage':>5} {'step':<14} {'n':>5} {'p50 s':>7} {'p95 s':>7} {'max s':>7}")
    for stage in stages:
        every = []
        for (at, step), values in sorted(results.times.items()):
            if at != stage or not values:
                continue
            print(f"{stage:>5} {step:<14} {len(values):>5} {percentile(values, .5):>7.2f} "
                  f"{percentile(values, .95):>7.2f} {max(values):>7.2f}")
            if step not in NOT_PAGE_RERUNS:
                every.extend(values)
        p95 = percentile(every, .95)
        print(f"{stage:>5} {'all reruns':<14} {len(every):>5} {percentile(every, .5):>7.2f} "
              f"{p95:>7.2f}   (without {', '.join(sorted(NOT_PAGE_RERUNS))})")
        limit = P95_LIMITS.get(stage)
        if limit is not None and not p95 <= limit:
            failures.append(f"p95 page rerun {p95:.2f} s at {stage} sessions (limit {limit} s)")
    if results.solves:
        print(f"planner runs: {len(results.solves)}, p50 {percentile(results.solves, .5):.2f} s, "
              f"max {max(results.solves):.2f} s")
    codes = [code for code, _, _ in results.imports]
    print(f"cron imports: {len(codes)}, exit codes {sorted(set(codes))}, seconds "
          f"{[round(s, 1) for _, s, _ in results.imports]}")
    failures += [f"cron import exit {code}: {err}" for code, _, err in results.imports if code]
    stored = stored_requests(server.db)
    twice = sorted({r for r in results.filed if stored.count(r) != 1})
    print(f"requests filed: {len(results.filed)} (distinct {len(set(results.filed))}), "
          f"stored exactly once: {len(results.filed) - len(twice)}; approvals {results.approved}"
          f" (plans with nothing left to approve: {results.nothing_to_approve}); no plan in "
          f"time: {len(results.no_plan)}")
    if twice or len(set(results.filed)) != len(results.filed):
        failures.append(f"requests not stored exactly once: {twice[:10]}")
    if results.samples:
        first, last = results.samples[0], results.samples[-1]
        peak = max(s["rss_mb"] for s in results.samples)
        print(f"server: RSS {first['rss_mb']} MB at start, {last['rss_mb']} MB at the end, "
              f"peak {peak} MB; fds {first['fds']} → {last['fds']}; children "
              f"{first['children']} → {last['children']}; DB {first['db_mb']} → "
              f"{last['db_mb']} MB; server CPU {last['cpu_s']} s over {last['t']} s")
        loads = [s["load1"] for s in results.samples]
        print(f"machine load average (1 min, {os.cpu_count()} cores): min {min(loads):.1f}, "
              f"median {percentile(loads, .5):.1f}, max {max(loads):.1f}")
    if results.errors:
        print(f"errors seen by sessions ({len(results.errors)}):")
        for error in results.errors[:20]:
            print(f"  {error}")
        failures.append(f"{len(results.errors)} errors seen by sessions")
    return failures


def store_cost(queries: int = 200) -> None:
    """What a query costs when the file must be opened for it, against an open connection."""
    from skills.services.data import load_sample
    from skills.store import Store

    with tempfile.TemporaryDirectory(prefix="crosstrain-store-") as folder:
        db = Path(folder) / "cost.duckdb"
        load_sample(Store(db, linger=0))
        for label, linger in (("open per query (linger 0)", 0.0),
                              ("open shared, linger 1 s (the app)", 1.0)):
            store = Store(db, linger=linger)
            opens = store.opens
            started = time.perf_counter()
            for _ in range(queries):
                store.read("dataset_counts")
            per = (time.perf_counter() - started) / queries * 1000
            print(f"{label:<36} {per:7.2f} ms per query, {store.opens - opens} opens for "
                  f"{queries} queries", flush=True)
            store.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load")
    parser.add_argument("--stages", default="1,10,25")
    parser.add_argument("--stage-seconds", type=float, default=60)
    parser.add_argument("--people", type=int, default=0, help="0: the bundled sample")
    parser.add_argument("--import-every", type=float, default=20)
    parser.add_argument("--think", type=float, default=2.0,
                        help="mean seconds a session waits between steps (0: none)")
    parser.add_argument("--browser", action="store_true",
                        help="drive Chromium through Playwright instead of the protocol")
    parser.add_argument("--streamlit-option", action="append", default=[], metavar="NAME=VALUE",
                        help="serve with another Streamlit option, e.g. runner.postScriptGC=false")
    parser.add_argument("--probe", type=Path, metavar="FILE",
                        help="the server writes what its memory is made of to FILE (JSON lines)")
    parser.add_argument("--open-requests", type=int, metavar="N",
                        help="an engineer session withdraws its oldest request before filing "
                             "one more than N (default: never)")
    parser.add_argument("--store-cost", action="store_true",
                        help="only measure what opening the file per query costs")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.store_cost:
        store_cost()
        return 0
    if args.browser and not CHROMIUM.exists():
        raise SystemExit(f"{CHROMIUM} is missing: apt-get install chromium")
    stages = [int(s) for s in args.stages.split(",")]
    results = Results()
    with tempfile.TemporaryDirectory(prefix="crosstrain-load-") as folder:
        data = prepare_data(Path(folder), args.people)
        options = tuple(part for option in args.streamlit_option
                        for part in (f"--{option.split('=', 1)[0]}", option.split("=", 1)[1]))
        server = start_server(Path(folder), data, options, probe=args.probe)
        stop = threading.Event()
        threads = [threading.Thread(target=cron_imports, daemon=True,
                                    args=(data, server.db, args.import_every, stop, results)),
                   threading.Thread(target=sample_server, daemon=True,
                                    args=(server, stop, 5.0, results))]
        try:
            for thread in threads:
                thread.start()
            print(f"driver: {'Chromium' if args.browser else 'websocket protocol'}, think "
                  f"{args.think} s, load average {os.getloadavg()}", flush=True)
            asyncio.run(drive(server, stages, args.stage_seconds, results, think=args.think,
                              browser=args.browser, open_requests=args.open_requests))
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=600)
            failures = report(results, server, stages)
            server.stop()
    print("PASS" if not failures else "FAIL:\n  " + "\n  ".join(failures), flush=True)
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
