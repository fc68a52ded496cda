"""`make run-oidc`: real sign-in on one machine.

Starts the local OpenID Connect provider (provider.js) with the sample's demo users and the
app beside it with [auth] secrets pointing at it, on its own database (the demo roles are
loaded into it). Log in on the provider's page as one of the logins printed below (any
password). Ctrl-C stops both. Nothing here is for production: the provider accepts any
password and keeps its keys in memory.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
# Login on the provider's page -> the email the app maps to a role (skills/services/identity).
USERS = [
    {"login": "dara", "email": "p082@example.org", "name": "Dara Haddad (engineer)"},
    {"login": "soren", "email": "p002@example.org", "name": "Søren Müller (manager)"},
    {"login": "farah", "email": "p011@example.org", "name": "Farah Iyer (HR)"},
    {"login": "admin", "email": "admin@example.org", "name": "Administrator"},
    {"login": "stranger", "email": "stranger@example.org", "name": "No role"},
]


def _wait(url: str, process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{what} did not start")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8501, help="the app's port")
    parser.add_argument("--oidc-port", type=int, default=9400, help="the provider's port")
    parser.add_argument("--db", type=Path, default=ROOT / "data" / "crosstrain-oidc.duckdb")
    args = parser.parse_args()
    node = shutil.which("node")
    if node is None or not (HERE / "node_modules" / "oidc-provider").is_dir():
        raise SystemExit("needs Node.js and `npm ci --prefix tests/oidc`")
    work = Path(tempfile.mkdtemp(prefix="crosstrain-oidc-"))
    redirect = f"http://127.0.0.1:{args.port}/oauth2callback"
    issuer = f"http://127.0.0.1:{args.oidc_port}"
    client_secret = secrets.token_hex(24)
    (work / "oidc.json").write_text(json.dumps({
        "port": args.oidc_port, "client_id": "crosstrain", "client_secret": client_secret,
        "redirect_uri": redirect, "users": USERS}), encoding="utf-8")
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
        'client_kwargs = { prompt = "login" }\n', encoding="utf-8")
    skills = [sys.executable, "-m", "skills"]
    if not args.db.exists():
        subprocess.run([*skills, "load", str(ROOT / "data" / "sample"), "--db", str(args.db)],
                       cwd=ROOT, check=True)
    subprocess.run([*skills, "roles", "demo", "--db", str(args.db)], cwd=ROOT, check=True)
    provider = subprocess.Popen([node, str(HERE / "provider.js"), str(work / "oidc.json")],
                                cwd=HERE, start_new_session=True)
    env = {**os.environ, "CROSSTRAIN_DB": str(args.db), "PYTHONPATH": str(ROOT)}
    app = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
                            "--server.port", str(args.port)], cwd=work, env=env,
                           start_new_session=True)
    # `kill` or a timeout stops both servers too, not only Ctrl-C.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        _wait(f"{issuer}/.well-known/openid-configuration", provider, "the OIDC provider")
        _wait(f"http://127.0.0.1:{args.port}/_stcore/health", app, "the app")
        print(f"\nOpen http://127.0.0.1:{args.port} and sign in as one of: "
              + ", ".join(f"{u['login']} ({u['email']})" for u in USERS)
              + " — any password. Ctrl-C stops.\n", flush=True)
        app.wait()
    except KeyboardInterrupt:
        pass
    finally:
        for process in (app, provider):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
