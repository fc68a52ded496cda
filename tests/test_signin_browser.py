"""Real sign-in: a real OpenID Connect provider (oidc-provider, tests/oidc) on 127.0.0.1, the app
with [auth] secrets pointing at it, and Chromium signing in through st.login as the sample's
engineer, manager and HR person, and as someone without a role.

Fails (never skips) in CI when Node.js, the provider's packages or Chromium are missing.
"""

from __future__ import annotations

import csv
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from skills.ingest.sample import SAMPLE_DIR
from tests.conftest import ROOT, _free_port, require_chromium

OIDC_DIR = ROOT / "tests" / "oidc"
USERS = [
    {"login": "dara", "email": "p082@example.org", "name": "Dara Haddad"},
    {"login": "soren", "email": "p002@example.org", "name": "Søren Müller"},
    {"login": "farah", "email": "p011@example.org", "name": "Farah Iyer"},
    {"login": "stranger", "email": "stranger@example.org", "name": "Not In The Mapping"},
    # The engineer's address, but the provider has not verified it.
    {"login": "impostor", "email": "p082@example.org", "name": "Dara?", "email_verified": False},
]
ROLES = ("email,role,person_id,teams\n"
         "p082@example.org,engineer,P082,\n"
         "p002@example.org,manager,P002,Feature Store\n"
         "p011@example.org,hr,P011,\n"
         "admin@example.org,admin,,\n")


def _require_node() -> str:
    node = shutil.which("node")
    problem = None
    if node is None:
        problem = "Node.js is missing (apt-get install nodejs npm)"
    elif not (OIDC_DIR / "node_modules" / "oidc-provider").is_dir():
        problem = "the OIDC provider is not installed: npm ci --prefix tests/oidc"
    if problem is not None:
        if os.environ.get("CI"):
            pytest.fail(problem)
        pytest.skip(problem)
    assert node is not None
    return node


def _wait(url: str, process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            output = process.stdout.read().decode() if process.stdout else ""
            _stop(process)
            pytest.fail(f"{what} did not start:\n{output}")
        time.sleep(0.2)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


@dataclass
class SignInApp:
    url: str
    db: Path


@pytest.fixture(scope="module")
def signin_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SignInApp]:
    require_chromium()
    node = _require_node()
    work = tmp_path_factory.mktemp("signin")
    app_port, oidc_port = _free_port(), _free_port()
    client_secret = secrets.token_hex(24)
    redirect = f"http://127.0.0.1:{app_port}/oauth2callback"
    config = work / "oidc.json"
    config.write_text(json.dumps({"port": oidc_port, "client_id": "crosstrain",
                                  "client_secret": client_secret, "redirect_uri": redirect,
                                  "users": USERS}), encoding="utf-8")
    provider = subprocess.Popen([node, str(OIDC_DIR / "provider.js"), str(config)],
                                cwd=OIDC_DIR, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, start_new_session=True)
    issuer = f"http://127.0.0.1:{oidc_port}"
    _wait(f"{issuer}/.well-known/openid-configuration", provider, "the OIDC provider")

    # The app's database: the sample and the roles mapping, loaded as an operator would.
    db = work / "crosstrain.duckdb"
    roles = work / "roles.csv"
    roles.write_text(ROLES, encoding="utf-8")
    for command in (["load", str(SAMPLE_DIR)], ["roles", "load", str(roles)]):
        done = subprocess.run([sys.executable, "-m", "skills", *command, "--db", str(db)],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr

    # Secrets live in the server's working directory, never in the repository.
    settings = work / ".streamlit"
    settings.mkdir()
    shutil.copy(ROOT / ".streamlit" / "config.toml", settings / "config.toml")
    (settings / "secrets.toml").write_text(
        "[auth]\n"
        f'redirect_uri = "{redirect}"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        'client_id = "crosstrain"\n'
        f'client_secret = "{client_secret}"\n'
        f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n'
        # Streamlit asks for prompt=select_account, which not every provider offers (this
        # one does not); prompt=login is standard OIDC and asks for the password every time.
        'client_kwargs = { prompt = "login" }\n',
        encoding="utf-8")
    env = {**os.environ, "CROSSTRAIN_DB": str(db), "PYTHONPATH": str(ROOT)}
    env.pop("CROSSTRAIN_DEMO_IDENTITY", None)
    app = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
         "--server.port", str(app_port), "--server.address", "127.0.0.1",
         "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=work, env=env, stdout=(work / "streamlit.log").open("wb"),
        stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{app_port}"
    try:
        _wait(f"{url}/_stcore/health", app, "streamlit")
        yield SignInApp(url, db)
    finally:
        _stop(app)
        _stop(provider)


def _sign_in(browser: object, app: SignInApp, login: str) -> object:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    # The provider's pages import a web font; nothing here may leave this machine.
    context.route("**/*", lambda route: route.continue_()
                  if route.request.url.startswith("http://127.0.0.1") else route.abort())
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(app.url)
    page.get_by_role("button", name="Sign in").click()
    # oidc-provider's own login and consent pages, on the provider's port.
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any password")
    page.locator("button[type=submit]").click()
    consent = page.locator("button[type=submit]", has_text="Continue")
    if consent.count():
        consent.click()
    page.wait_for_url(f"{app.url}/**")
    return page


def _heading(page: object, title: str) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()  # type: ignore[attr-defined]


def _open(page: object, app: SignInApp, path: str, title: str) -> None:
    page.goto(f"{app.url}/{path}")  # type: ignore[attr-defined]
    _heading(page, title)


def test_before_signing_in_there_is_only_the_sign_in_button(browser, signin_app):
    from playwright.sync_api import expect

    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{signin_app.url}/coverage")  # a deep link changes nothing
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(page.get_by_text("Coverage explorer")).to_have_count(0)
    expect(page.get_by_text("Demo mode")).to_have_count(0)
    context.close()


def test_the_engineer_sees_aggregates_and_their_own_requests(browser, signin_app):
    from playwright.sync_api import expect

    page = _sign_in(browser, signin_app, "dara")
    _heading(page, "Coverage overview")
    expect(page.get_by_text("Signed in as p082@example.org · engineer")).to_be_visible()
    # Key people as a count, not by name; no role to pick.
    expect(page.get_by_text("the sole practitioner of a critical skill")).to_be_visible()
    expect(page.get_by_text("Viewing as")).to_have_count(0)
    expect(page.get_by_role("link", name="Audit trail")).to_have_count(0)
    expect(page.get_by_role("link", name="Roles")).to_have_count(0)
    _open(page, signin_app, "coverage", "Coverage explorer")
    expect(page.get_by_text("People's own levels are for them")).to_be_visible()
    _open(page, signin_app, "rotation_requests", "Rotation requests")
    expect(page.get_by_text("You are Dara Haddad · Feature Store.")).to_be_visible()
    expect(page.get_by_text("R001: Observability")).to_be_visible()
    expect(page.get_by_text("Every request (managers)")).to_have_count(0)
    _open(page, signin_app, "rotations", "Rotation plan")
    expect(page.get_by_text("Your role may not run and approve plans")).to_be_visible()
    _open(page, signin_app, "succession", "Succession plans")
    expect(page.get_by_text("Succession plans are for HR and managers.")).to_be_visible()
    # Signing out ends the session at the provider too (its end-session page asks first).
    page.get_by_role("button", name="Sign out").click()
    confirm = page.get_by_role("button", name="Yes, sign me out")
    confirm.wait_for(timeout=10_000)
    confirm.click()
    page.wait_for_url(f"{signin_app.url}/**")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    page.context.close()


def test_the_manager_sees_their_team_and_plans(browser, signin_app):
    from playwright.sync_api import expect

    page = _sign_in(browser, signin_app, "soren")
    _heading(page, "Coverage overview")
    expect(page.get_by_text("Signed in as p002@example.org · manager")).to_be_visible()
    expect(page.get_by_role("link", name="Audit trail")).to_have_count(0)
    _open(page, signin_app, "rotations", "Rotation plan")
    expect(page.get_by_role("button", name="Run the planner")).to_be_visible()
    _open(page, signin_app, "succession", "Succession plans")
    expect(page.get_by_text("Your teams: Feature Store")).to_be_visible()
    page.get_by_role("tab", name="Export").click()
    expect(page.get_by_text("HR exports succession plans; your role may view them here.")
           ).to_be_visible()
    page.context.close()


def test_hr_reads_the_audit_trail_of_these_sign_ins(browser, signin_app):
    from playwright.sync_api import expect

    page = _sign_in(browser, signin_app, "farah")
    _heading(page, "Coverage overview")
    expect(page.get_by_text("Signed in as p011@example.org · hr")).to_be_visible()
    page.get_by_role("link", name="Audit trail").click()
    _heading(page, "Audit trail")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download as CSV").click()
    with open(download.value.path(), encoding="utf-8", newline="") as file:
        lines = list(csv.DictReader(file))
    signed = {(line["actor"], line["role"]) for line in lines if line["action"] == "sign-in"}
    assert ("p011@example.org", "hr") in signed
    assert {line["action"] for line in lines} >= {"import", "roles replaced", "sign-in"}
    # The engineer of the test before signed out; the module's tests run in file order.
    assert ("p082@example.org", "sign-out") in {(line["actor"], line["action"]) for line in lines}
    _open(page, signin_app, "rotations", "Rotation plan")
    expect(page.get_by_text("Your role may not run and approve plans")).to_be_visible()
    page.context.close()


def test_someone_without_a_role_sees_only_whom_to_ask(browser, signin_app):
    from playwright.sync_api import expect

    page = _sign_in(browser, signin_app, "stranger")
    expect(page.get_by_text("You are signed in as stranger@example.org, but you have no role "
                            "in crosstrain yet. Ask an administrator: admin@example.org")
           ).to_be_visible()
    expect(page.get_by_role("heading", name="Coverage overview")).to_have_count(0)
    expect(page.get_by_role("link", name="Coverage explorer")).to_have_count(0)
    _open(page, signin_app, "coverage", "crosstrain")
    expect(page.get_by_text("Coverage explorer")).to_have_count(0)
    page.context.close()


def test_an_unverified_email_gets_nothing_even_when_it_has_a_role(browser, signin_app):
    from playwright.sync_api import expect

    page = _sign_in(browser, signin_app, "impostor")
    expect(page.get_by_text("Your identity provider has not verified p082@example.org")
           ).to_be_visible()
    expect(page.get_by_role("heading", name="Coverage overview")).to_have_count(0)
    expect(page.get_by_role("link", name="Rotation requests")).to_have_count(0)
    page.context.close()
