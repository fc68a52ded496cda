"""The soak (benchmarks/soak.py) for about two minutes: the load mix against a 5,000-person
organisation with imports in between, through a real server and Chromium. Memory must stay
within 20 % of its post-warm-up value, no descriptors or child processes may pile up, the
database must not grow beyond its snapshots, and no session may see an error."""

from __future__ import annotations

import pytest

from benchmarks.soak import soak
from tests.conftest import require_chromium

pytestmark = pytest.mark.browser


def test_two_minutes_of_the_load_mix_on_5000_people_leak_nothing() -> None:
    require_chromium()
    results, verdict, load_failures = soak(minutes=1.5, sessions=3, people=5000,
                                           import_every=30, warm_up=40)
    assert verdict.failures == []
    assert load_failures == []
    assert results.errors == []
    assert len(results.imports) >= 2 and all(code == 0 for code, _, _ in results.imports)
    assert results.filed, "no session filed a request"
    assert results.solves, "the long-solve session never finished a plan"
