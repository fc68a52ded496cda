"""Pages read widgets, call services and render: they import only services and figures."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((ROOT / "pages").glob("*.py")) + [ROOT / "app.py"]


def allowed(module: str) -> bool:
    if not module.startswith("skills"):
        return True  # streamlit, pandas, the standard library
    return (module.startswith("skills.services") or module.split(".")[-1] == "figures")


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def skills_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            # `from skills.plans.mentoring import figures` imports the module ...figures.
            for alias in node.names:
                inner = f"{node.module}.{alias.name}"
                found.append(inner if _is_module(inner) else node.module)
        elif isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
    return found


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_pages_import_only_services_and_figures(page: Path) -> None:
    wrong = [m for m in skills_imports(page) if not allowed(m)]
    assert wrong == [], f"{page.name} reaches past the service layer: {wrong}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_pages_name_no_sql_and_no_store_internals(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    for needle in (".read(\"", ".read('", "sql_text", ".transaction(", "cursor(", ".execute("):
        assert needle not in text, f"{page.name} uses {needle!r}"


def test_skills_never_imports_streamlit() -> None:
    for path in (ROOT / "skills").rglob("*.py"):
        modules = skills_imports(path)
        assert not [m for m in modules if m.split(".")[0] == "streamlit"], path
