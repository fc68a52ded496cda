"""Streamlit glue shared by the pages: the cached store, the sign-in gate and the caller,
common widgets."""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import sys
from collections.abc import Callable
from pathlib import Path

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError
from streamlit.runtime.pages_manager import PagesManager

from skills.services import coverage, identity
from skills.services.coverage import Scope
from skills.services.session import (
    Caller,
    Organisation,
    Permission,
    Role,
    default_db_path,
    open_organisation,
    seen_by,
)


def _route_through_app_py() -> None:
    """Keep Streamlit's legacy `pages/` discovery out of the way.

    Until some session calls `st.navigation`, Streamlit treats a `pages/` folder as the legacy
    multipage layout: the very first visitor of a fresh server who follows a deep link (say
    /coverage) gets that page run on its own, under a second, auto-generated navigation. Every
    page imports this module, and the first import happens in that first run, so switching the
    legacy mode off here and rerunning sends even that visitor through app.py's navigation.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()




def db_path() -> Path:
    """`streamlit run app.py -- --db FILE`, else $CROSSTRAIN_DB, else data/crosstrain.duckdb."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--db", type=Path, default=None)
    known, _ = parser.parse_known_args(sys.argv[1:])
    return known.db or default_db_path()


@st.cache_resource(show_spinner="Opening the skills database…")
def _open(path: str) -> Organisation:
    # One connection per process and database file; sessions share it through cursors.
    return open_organisation(path)


def store() -> Organisation:
    """The organisation as the signed-in caller sees it."""
    return seen_by(_open(str(db_path())), caller())


def system_store() -> Organisation:
    """The organisation as the system sees it: for the sign-in gate only."""
    return _open(str(db_path()))


def auth_configured() -> bool:
    """Sign-in is on when `.streamlit/secrets.toml` has an [auth] section."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, StreamlitSecretNotFoundError):
        return False


class NotSignedIn(Exception):
    """A page ran without the sign-in gate having said who is asking."""


def caller() -> Caller:
    """Who is asking, as the sign-in gate (`sign_in`) established it for this session.

    Nothing a user can choose on a page sets it: with sign-in it comes from the identity
    provider's email through the roles mapping; in demo mode from the chosen demo identity.
    """
    found = st.session_state.get(_CALLER)
    if isinstance(found, Caller):
        return found
    legacy = st.session_state.get("role")
    if isinstance(legacy, str) and not auth_configured():
        # Page tests (AppTest) run a page on its own and say which demo role to act as; no
        # widget has this key, so a visitor cannot set it.
        return _demo_caller(Role(legacy))
    # A page run on its own (Streamlit's legacy pages/ mode, as AppTest starts it) goes
    # through app.py, whose gate asks who is there.
    _route_through_app_py()
    raise NotSignedIn("nobody is signed in")


_CALLER = "crosstrain-caller"
_CALLER_LABEL = "crosstrain-caller-label"
_SIGNED_IN = "crosstrain-signed-in"
_DEMO_ENV = "CROSSTRAIN_DEMO_IDENTITY"


def _demo_caller(role: Role) -> Caller:
    organisation = system_store()
    identity.ensure_demo_roles(organisation)
    for _, found in identity.demo_callers(organisation):
        if found.role == role:
            return found
    # Data without the sample's people (a generated organisation): the role alone.
    return Caller(role)


def sign_in() -> Caller | None:
    """The sign-in gate app.py runs before any page: the caller, or None after it drew the
    sign-in screen (or the message for someone without a role)."""
    organisation = system_store()
    if auth_configured():
        return _oidc_sign_in(organisation)
    return _demo_sign_in(organisation)


def _oidc_sign_in(organisation: Organisation) -> Caller | None:
    st.session_state.pop(_CALLER, None)
    if not st.user.is_logged_in:
        st.title("crosstrain")
        st.write("Sign in with your company account to see the skills matrix and plans.")
        st.button("Sign in", type="primary", on_click=st.login, key="sign-in")
        return None
    email = str(st.user.get("email") or "")
    # An address the provider says it has not verified could be anyone's (only an explicit
    # false counts: Entra ID, for one, sends no such claim).
    unverified = st.user.get("email_verified") is False
    found = None if unverified else identity.identify(organisation, email)
    if found is None:
        if st.session_state.get(_SIGNED_IN) != f"refused {email}":
            identity.refused(organisation, email or "(no email)")
            st.session_state[_SIGNED_IN] = f"refused {email}"
        st.title("crosstrain")
        if unverified:
            st.warning(f"Your identity provider has not verified {email}, so crosstrain cannot "
                       "tell it is yours. Verify it with your provider, then sign in again.",
                       icon=":material/lock:")
        else:
            st.warning(f"You are signed in as {email or 'a user without an email'}, but you "
                       f"have no role in crosstrain yet. Ask "
                       f"{identity.whom_to_ask(organisation)} to add you to the roles mapping.",
                       icon=":material/lock:")
        st.button("Sign out", on_click=st.logout, key="sign-out")
        return None
    _remember(organisation, found, "single sign-on")
    with st.sidebar:
        st.caption(f"Signed in as {email} · {found.role.value}")
        st.button("Sign out", on_click=_sign_out, args=(organisation, found), key="sign-out")
    return found


def _sign_out(organisation: Organisation, who: Caller) -> None:
    identity.signed_out(organisation, who)
    st.logout()


LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def _demo_sign_in(organisation: Organisation) -> Caller | None:
    address = str(st.get_option("server.address") or "")
    if address not in LOOPBACK:
        # Anyone could act as anyone: never offer that beyond this machine.
        st.title("crosstrain")
        listens = address or "every address"
        st.error(f"Sign-in is not configured, and this server listens on {listens}. Demo mode "
                 "serves this machine only: configure [auth] in .streamlit/secrets.toml, or "
                 "serve on 127.0.0.1.", icon=":material/lock:")
        return None
    st.warning("Demo mode: sign-in is not configured, so anyone who can reach this app can "
               "act as anyone. It serves this machine only (127.0.0.1); configure [auth] in "
               ".streamlit/secrets.toml before anyone else uses it.", icon=":material/warning:")
    chosen = st.session_state.get(_CALLER)
    if isinstance(chosen, Caller):
        # Chosen once: the chooser's queries (every person, each identity's role) would
        # otherwise run on every rerun of every page (9-18 % of a busy server, README).
        _remember(organisation, chosen, "demo identity")
        with st.sidebar:
            st.caption(f"Viewing as {st.session_state.get(_CALLER_LABEL) or chosen.actor()}")
            st.button("Act as someone else", key="demo-switch", on_click=_act_as,
                      args=(None,))
        return chosen
    identity.ensure_demo_roles(organisation)
    choices = identity.demo_callers(organisation)
    # For automated runs (the browser tests) the operator may start the server acting as
    # one demo role; a visitor cannot set this from the browser.
    wanted = os.environ.get(_DEMO_ENV)
    chosen = next((c for _, c in choices if c.role.value == wanted), None)
    if not isinstance(chosen, Caller):
        st.title("Who do you want to act as?")
        st.write("Each demo identity is a real person of the sample organisation with one "
                 "role. After a reload you choose again.")
        for number, (label, candidate) in enumerate(choices):
            st.button(label, key=f"demo-{number}", width="stretch", on_click=_act_as,
                      args=(candidate, label))
        if not choices:
            st.info("The stored organisation has none of the demo people; configure sign-in "
                    "and a roles mapping to use it.")
        return None
    _remember(organisation, chosen, "demo identity")
    label = next((text for text, c in choices if c == chosen), chosen.actor())
    st.session_state[_CALLER_LABEL] = label
    with st.sidebar:
        st.caption(f"Viewing as {label}")
        st.button("Act as someone else", key="demo-switch", on_click=_act_as, args=(None,))
    return chosen


def _act_as(candidate: Caller | None, label: str | None = None) -> None:
    # A callback runs before the next script run: the chooser or the app shows at once.
    st.session_state.pop(_SIGNED_IN, None)
    if candidate is None:
        st.session_state.pop(_CALLER, None)
        st.session_state.pop(_CALLER_LABEL, None)
    else:
        st.session_state[_CALLER] = candidate
        st.session_state[_CALLER_LABEL] = label


def _remember(organisation: Organisation, found: Caller, how: str) -> None:
    st.session_state[_CALLER] = found
    if st.session_state.get(_SIGNED_IN) != found:
        identity.signed_in(organisation, found, how)
        st.session_state[_SIGNED_IN] = found


def scope_filters(key: str) -> Scope:
    """Team and discipline filters; nothing chosen means everything."""
    teams = coverage.teams(store())
    left, right = st.columns(2)
    chosen_teams = left.multiselect("Teams", teams, key=f"{key}-teams",
                                    placeholder="All teams")
    chosen_disciplines = right.multiselect("Skill disciplines", list(coverage.DISCIPLINES),
                                           format_func=coverage.DISCIPLINES.get,
                                           key=f"{key}-disciplines",
                                           placeholder="Skills of every discipline",
                                           help="Filters the skills shown, not the people: "
                                                "to see a discipline's people, pick teams.")
    return Scope(tuple(chosen_teams), tuple(chosen_disciplines))


def require(permission: Permission) -> bool:
    """Show why the page is closed to this caller; True when they may go on."""
    if caller().can(permission):
        return True
    st.info(denied_words(caller().role.value, permission.value))
    return False


def denied_words(role: str, doing: str) -> str:
    """Why a page is closed, and whom to ask: never send HR to "a manager or HR"."""
    if role == "engineer":
        return f"Your role may not {doing}. Ask your manager if you need to."
    return (f"Your role may not {doing}. If your work needs it, ask an administrator to change "
            "your role.")


log = logging.getLogger("crosstrain")


def run_guarded(run: Callable[[], None]) -> None:
    """Run a page; an unexpected failure shows a short message and a reference, never a
    traceback, and the details go to the server log under that reference."""
    try:
        run()
    except Exception:  # Streamlit's stop and rerun are BaseExceptions and pass through
        reference = secrets.token_hex(4)
        log.exception("page failed, reference %s", reference)
        st.error(f"Something went wrong on this page (reference {reference}). Nothing you had "
                 "saved is lost. Reload the page; if it happens again, give the reference to "
                 "whoever runs crosstrain.", icon=":material/error:")


# Last, once every name above exists: the rerun this may raise ends this first import, and a
# second visitor importing at the same moment must still find everything (it once got
# "cannot import name 'run_guarded'" from a half-run module).
_route_through_app_py()
