"""Streamlit glue shared by the pages: the cached store, the caller, common widgets."""

from __future__ import annotations

import argparse
import logging
import secrets
import sys
from collections.abc import Callable
from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from skills.services import coverage
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


_route_through_app_py()


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
    """The organisation as the current caller sees it."""
    return seen_by(_open(str(db_path())), caller())


def caller() -> Caller:
    role = st.session_state.get("role", Role.MANAGER.value)
    return Caller(Role(role))


def role_picker() -> None:
    labels = {Role.MANAGER.value: "Manager", Role.ENGINEER.value: "Engineer", Role.HR.value: "HR"}
    st.sidebar.selectbox("Viewing as", options=list(labels), format_func=labels.get, key="role",
                         help="What you may do depends on your role.")


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
    st.info(f"Your role may not {permission.value}. Ask a manager or HR.")
    return False


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
