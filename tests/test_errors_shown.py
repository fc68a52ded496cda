"""Users see a short message and a reference, never a traceback; the log gets the details."""

from __future__ import annotations

import logging
import tomllib
from pathlib import Path

from streamlit.testing.v1 import AppTest

from skills.store import ROOT


def test_a_failing_page_shows_a_reference_not_a_traceback(caplog) -> None:
    with caplog.at_level(logging.ERROR, logger="crosstrain"):
        app = AppTest.from_file(str(ROOT / "tests" / "apps" / "failing_page.py")).run()
    assert not app.exception
    shown = " ".join(e.value for e in app.error)
    assert "reference" in shown and "/srv/secret" not in shown
    reference = shown.split("reference ")[1][:8]
    logged = [r for r in caplog.records if reference in r.getMessage()]
    assert logged and logged[0].exc_info is not None
    assert "/srv/secret/path" in str(logged[0].exc_info[1])


def test_the_server_config_is_hardened() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] == "127.0.0.1"
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["enableCORS"] is True
    assert config["client"]["showErrorDetails"] == "none"
    assert 0 < config["server"]["maxUploadSize"] <= 50


def test_the_app_listens_on_loopback_only(tmp_path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time
    import urllib.request

    from tests.conftest import _free_port

    port = _free_port()
    env = {**os.environ, "CROSSTRAIN_DB": str(tmp_path / "db.duckdb")}
    # No --server.address: what `make run` starts, with the repo's config alone.
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py",
                               "--server.port", str(port)], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health",
                                            timeout=2):
                    break
            except OSError:
                time.sleep(0.2)
        assert _listeners("/proc/net/tcp", port) == [f"0100007F:{port:04X}"]
        assert _listeners("/proc/net/tcp6", port) == []
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def _listeners(table: str, port: int) -> list[str]:
    """Local addresses (hex, as the kernel lists them) listening on `port`."""
    rows = [line.split() for line in Path(table).read_text().splitlines()[1:]]
    return [row[1] for row in rows if row[1].endswith(f":{port:04X}") and row[3] == "0A"]


def test_nobody_is_sent_to_ask_a_manager_or_hr_for_what_they_cannot_do() -> None:
    from pages._shared import denied_words

    for role in ("manager", "hr", "admin"):
        words = denied_words(role, "run and approve plans")
        assert words.startswith("Your role may not run and approve plans.")
        assert "manager or HR" not in words and "administrator" in words
    assert "your manager" in denied_words("engineer", "run and approve plans")
