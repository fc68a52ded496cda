"""Every download goes through here: formula-safe, and personal data only for who may have it."""

from __future__ import annotations

import pandas as pd

from skills.access import Permission
from skills.exports import to_csv_bytes
from skills.services import audit
from skills.store import Store


def csv_download(store: Store, frame: pd.DataFrame, *, personal: bool = False,
                 labels: dict[str, str] | None = None, name: str = "download.csv") -> bytes:
    """A formula-safe CSV of `frame` with the headers shown on screen (`labels`).

    `personal` marks a frame with people's names, levels or interests: only a caller who may
    export personal data gets it. Every download is a line of the audit trail (file `name`,
    rows, SHA-256), so pages pass this as the download button's callable: the file is made,
    and recorded, when someone clicks.
    """
    if personal:
        store.caller.require(Permission.EXPORT_PERSONAL)
    store.caller.require(Permission.READ_COVERAGE)
    shown = frame.rename(columns=labels) if labels else frame
    return audit.record_export(store, name, to_csv_bytes(shown), len(shown))
