"""A page that fails, run the way app.py runs every page."""

from pages._shared import run_guarded


def broken() -> None:
    raise RuntimeError("/srv/secret/path leaked in a traceback")


run_guarded(broken)
