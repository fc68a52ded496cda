from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from skills.access import Permission
from skills.dataset import Dataset
from skills.ingest.loading import parse_path
from skills.ingest.sample import SAMPLE_DIR
from skills.store import Store

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("CROSSTRAIN_CHROMIUM", "/usr/bin/chromium"))


@pytest.fixture(scope="session")
def sample_dataset() -> Dataset:
    return parse_path(SAMPLE_DIR)


@pytest.fixture
def store(tmp_path: Path, sample_dataset: Dataset) -> Iterator[Store]:
    """A fresh DuckDB file holding the bundled sample."""
    opened = Store(tmp_path / "crosstrain.duckdb")
    opened.replace_dataset(sample_dataset)
    yield opened
    opened.close()


@pytest.fixture
def empty_store(tmp_path: Path) -> Iterator[Store]:
    opened = Store(tmp_path / "empty.duckdb")
    yield opened
    opened.close()


def write_files(folder: Path, files: dict[str, str | bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (folder / name).write_bytes(data)
    return folder


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def require_chromium() -> None:
    """Browser tests fail in CI without Chromium; on a laptop they are skipped."""
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory,
            request: pytest.FixtureRequest) -> Iterator[str]:
    """A real `streamlit run app.py` on a free loopback port, with a fresh database per module.

    Each test module gets its own server so that one module's uploads or approvals never
    change what another module sees. The server runs in demo mode acting as the demo manager
    (a module sets DEMO_IDENTITY = "hr" or "engineer" to act as someone else);
    tests/test_signin_browser.py signs in for real.
    """
    require_chromium()
    db = tmp_path_factory.mktemp("app") / "crosstrain.duckdb"
    port = _free_port()
    env = {**os.environ, "CROSSTRAIN_DB": str(db),
           "CROSSTRAIN_DEMO_IDENTITY": getattr(request.module, "DEMO_IDENTITY", "manager")}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            output = process.stdout.read().decode() if process.stdout else ""
            os.killpg(process.pid, signal.SIGKILL)
            pytest.fail(f"streamlit did not start:\n{output}")
        time.sleep(0.2)
    yield url
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"],
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: object, app_url: str) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    opened = context.new_page()
    opened.set_default_timeout(30_000)
    yield opened
    context.close()


@contextmanager
def held_in_a_write(db: Path) -> Iterator[None]:
    """This process holds `db` in an open write transaction, as a running import would, until
    the block ends; a command run inside the block finds the file busy."""
    holder = Store(db)
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with holder.transaction(Permission.LOAD_DATASET):
            holding.set()
            release.wait(30)

    thread = threading.Thread(target=hold)
    thread.start()
    holding.wait(10)
    try:
        yield
    finally:
        release.set()
        thread.join()
        holder.close()
