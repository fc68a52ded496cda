"""A Streamlit session driven over Streamlit's own websocket protocol, without a browser.

The browser's part of a page rerun is small: it sends one `rerun_script` BackMsg (which page,
which widget values, which button was pressed) and draws the ForwardMsgs that come back until
`script_finished`. This module does exactly that with the `websockets` client (a dependency of
the installed Streamlit), keeps the element tree the deltas build, and lets a caller find a
widget by its label and set it the way the installed frontend does (Streamlit 1.67: selectbox
and radio send the option's label as `string_value`, text widgets `string_value`, buttons a
one-shot `trigger_value`, form widgets only with their form's submit button). So a load test
measures the server's work for a rerun, not a renderer's.

    async with Session("http://127.0.0.1:8501") as session:
        await session.click(re.compile("· engineer ·"))
        await session.navigate("Coverage explorer")
        print(session.texts(), session.problems())
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.NumberInput_pb2 import NumberInput
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

# What the app shows when something failed (pages/_shared.run_guarded, the store's busy
# message) or what a raw failure would show.
ERROR_WORDS = re.compile(r"Something went wrong|is busy with another import|Traceback")

WIDGETS = frozenset({"button", "download_button", "checkbox", "selectbox", "radio",
                     "multiselect", "text_input", "text_area", "number_input", "slider",
                     "date_input", "time_input", "color_picker", "button_group"})
# Streamlit's codes for the end of a run; "early for rerun" is followed by the next run.
FINISHED = {ForwardMsg.FINISHED_SUCCESSFULLY: "finished",
            ForwardMsg.FINISHED_WITH_COMPILE_ERROR: "compile error",
            ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY: "fragment finished"}
ALERT_KINDS = {1: "error", 2: "warning", 3: "info", 4: "success"}


class ProtocolError(Exception):
    """The server did not answer as a browser expects: no such widget, a timeout, a close."""


@dataclass(frozen=True)
class Widget:
    kind: str            # the Element oneof: "button", "selectbox", …
    id: str
    label: str
    form_id: str
    proto: Any           # the widget's own message (options, default, …)

    @property
    def options(self) -> list[str]:
        return list(getattr(self.proto, "options", []))


def _element_text(kind: str, element: Element) -> str:
    inner = getattr(element, kind)
    if kind in ("markdown", "alert", "heading", "text", "code", "toast"):
        return str(getattr(inner, "body", getattr(inner, "code_text", "")))
    if kind == "exception":
        return f"{inner.type}: {inner.message}"
    if kind == "metric":
        return f"{inner.label}: {inner.body}"
    if kind == "progress":
        return str(inner.text)
    return str(getattr(inner, "label", ""))


class Session:
    """One browser tab's worth of a Streamlit session, over the websocket."""

    def __init__(self, url: str, timeout: float = 120.0) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        self._ws: ClientConnection | None = None
        self.tree: dict[tuple[int, ...], Element] = {}
        self.pages: dict[str, str] = {}          # page title -> page_script_hash
        self.page_hash = ""
        self._states: dict[str, WidgetState] = {}  # what the frontend would re-send
        self._forms_cleared: dict[str, bool] = {}  # form id -> clear_on_submit
        self.auto_reruns: dict[str, float] = {}    # fragment id -> interval (st.fragment)
        self.events: list[str] = []                # compile errors, page not found, …
        self.last_status = ""
        self.runs = 0
        self.trace: list[str] = []                 # the last run's messages, for errors
        self._fragment_run = ""                    # the fragment the current run reruns

    # ------------------------------------------------------------------ connection

    async def __aenter__(self) -> Session:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def open(self) -> float:
        """Connect and run the app's default page, as opening the URL does; the seconds."""
        ws_url = self.url.replace("http://", "ws://").replace("https://", "wss://")
        # No Origin header: a non-browser client is allowed; max_size None because a page's
        # ForwardMsgs (plotly figures, dataframes as Arrow) can exceed 1 MiB.
        self._ws = await connect(f"{ws_url}/_stcore/stream",
                                 subprotocols=[Subprotocol("streamlit")], max_size=None,
                                 open_timeout=self.timeout, ping_interval=None,
                                 compression=None)
        return await self.rerun()

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
            self._ws = None

    # ---------------------------------------------------------------------- reruns

    async def rerun(self, *, page: str | None = None, triggers: Iterable[WidgetState] = (),
                    fragment_id: str = "", auto: bool = False,
                    timeout: float | None = None) -> float:
        """Send one rerun_script and read until its script_finished; seconds in between."""
        if self._ws is None:
            raise ProtocolError("the session is not connected")
        state = ClientState(page_script_hash=self.page_hash if page is None else page,
                            fragment_id=fragment_id, is_auto_rerun=auto)
        state.widget_states.widgets.extend(list(self._states.values()) + list(triggers))
        message = BackMsg(rerun_script=state)
        self.trace = [f"sent rerun page={state.page_script_hash[:8]} fragment={fragment_id[:8]}"
                      f" widgets={len(state.widget_states.widgets)}"]
        self._fragment_run = fragment_id
        started = time.perf_counter()
        await self._ws.send(message.SerializeToString())
        deadline = started + (self.timeout if timeout is None else timeout)
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise ProtocolError(f"no script_finished within {deadline - started:.0f} s")
            try:
                raw = await asyncio.wait_for(self._ws.recv(), timeout=left)
            except TimeoutError as error:
                raise ProtocolError(f"no script_finished within {deadline - started:.0f} s"
                                    ) from error
            forward = ForwardMsg()
            forward.ParseFromString(raw if isinstance(raw, bytes) else raw.encode())
            if self._handle(forward):
                break
        self.runs += 1
        if not self._fragment_run:
            self._forget_inactive()
        return time.perf_counter() - started

    def _handle(self, message: ForwardMsg) -> bool:
        """Apply one ForwardMsg; True when it ends the run that was asked for."""
        kind = message.WhichOneof("type")
        if kind == "script_finished":
            self.trace.append(f"script_finished {message.script_finished}")
        elif kind == "delta":
            self.trace.append(f"delta {tuple(message.metadata.delta_path)}")
        else:
            self.trace.append(str(kind))
        if kind == "new_session" and not self._fragment_run:
            # A full run starts (a fragment's run starts with one too): the frontend keeps
            # only what this run draws, and the timers of the fragments it draws.
            self.tree.clear()
            self.auto_reruns.clear()
            self.page_hash = message.new_session.page_script_hash or self.page_hash
        elif kind == "delta":
            delta = message.delta
            path = tuple(message.metadata.delta_path)
            what = delta.WhichOneof("type")
            if what == "new_element":
                for stale in [p for p in self.tree if p[:len(path)] == path and p != path]:
                    del self.tree[stale]
                self.tree[path] = delta.new_element
            elif what == "add_block":
                block = delta.add_block
                if block.WhichOneof("type") == "form":
                    self._forms_cleared[block.form.form_id] = block.form.clear_on_submit
        elif kind == "navigation":
            self.pages = {page.page_name: page.page_script_hash
                          for page in message.navigation.app_pages}
            if message.navigation.page_script_hash:
                self.page_hash = message.navigation.page_script_hash
        elif kind == "page_info_changed":
            pass
        elif kind == "auto_rerun":
            self.auto_reruns[message.auto_rerun.fragment_id] = message.auto_rerun.interval
        elif kind == "page_not_found":
            self.events.append(f"page not found: {message.page_not_found.page_name}")
        elif kind == "session_event":
            event = message.session_event
            if event.WhichOneof("type") == "script_compilation_exception":
                failure = event.script_compilation_exception
                self.events.append(f"compile error: {failure.type}: {failure.message}")
        elif kind == "script_finished":
            status = message.script_finished
            if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                # st.rerun(scope="app") in a fragment: what follows is a full run.
                self._fragment_run = ""
            if status in FINISHED:
                self.last_status = FINISHED[status]
                if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    self.events.append("the script failed to compile")
                return True
        return False

    def _forget_inactive(self) -> None:
        """The frontend drops the values of widgets that are no longer drawn."""
        active = {w.id for w in self.widgets()} | {
            element.dataframe.id for kind, element in self.elements() if kind == "dataframe"}
        for widget_id in [i for i in self._states if i not in active]:
            del self._states[widget_id]

    # ----------------------------------------------------------------- what it shows

    def elements(self) -> list[tuple[str, Element]]:
        """(kind, element) in the order a browser draws them (main, then sidebar)."""
        return [(element.WhichOneof("type") or "", element)
                for _, element in sorted(self.tree.items())]

    def texts(self, kinds: Iterable[str] | None = None) -> list[str]:
        wanted = None if kinds is None else set(kinds)
        return [_element_text(kind, element) for kind, element in self.elements()
                if wanted is None or kind in wanted]

    def alerts(self, kind: str | None = None) -> list[str]:
        """Alert bodies (st.error/warning/info/success), optionally of one kind."""
        return [element.alert.body for k, element in self.elements() if k == "alert"
                and (kind is None or ALERT_KINDS.get(element.alert.format) == kind)]

    def headings(self) -> list[str]:
        return self.texts(["heading"])

    def has_text(self, pattern: str | re.Pattern[str]) -> str | None:
        """The first text on the page that matches, else None."""
        found = re.compile(pattern) if isinstance(pattern, str) else pattern
        return next((text for text in self.texts() if found.search(text)), None)

    def dataframes(self) -> list[Any]:
        """The dataframes shown, as pandas frames (those sent whole; lazy ones are skipped)."""
        import pyarrow as pa

        frames = []
        for kind, element in self.elements():
            if kind == "dataframe" and element.dataframe.arrow_data.data:
                reader = pa.ipc.open_stream(element.dataframe.arrow_data.data)
                frames.append(reader.read_all().to_pandas())
        return frames

    def editors(self) -> list[tuple[str, Any]]:
        """The editable tables (st.data_editor): (widget id, the rows shown as a frame)."""
        import pyarrow as pa

        found = []
        for kind, element in self.elements():
            table = element.dataframe
            if kind == "dataframe" and table.editing_mode != 0 and table.id:
                frame = (pa.ipc.open_stream(table.arrow_data.data).read_all().to_pandas()
                         if table.arrow_data.data else None)
                found.append((table.id, frame))
        return found

    def problems(self) -> list[str]:
        """What a user would see as a failure: an exception, the app's "Something went
        wrong … reference" message, a busy database, a compile error, a missing page."""
        found = list(self.events)
        for kind, element in self.elements():
            text = _element_text(kind, element)
            if kind == "exception":
                found.append(f"exception shown: {text[:300]}")
            elif ERROR_WORDS.search(text):
                found.append(f"{kind}: {text[:300]}")
        self.events.clear()
        return found

    def widgets(self, kind: str | None = None) -> list[Widget]:
        found = []
        for element_kind, element in self.elements():
            if element_kind in WIDGETS and (kind is None or element_kind == kind):
                inner = getattr(element, element_kind)
                found.append(Widget(element_kind, inner.id, inner.label,
                                    getattr(inner, "form_id", ""), inner))
        return found

    def widget(self, label: str | re.Pattern[str], kind: str | None = None) -> Widget:
        """The widget with this label (a string matches exactly, a pattern searches)."""
        for widget in self.widgets(kind):
            if (widget.label == label if isinstance(label, str) else label.search(widget.label)):
                return widget
        shown = [f"{w.kind} {w.label!r}" for w in self.widgets()]
        raise ProtocolError(f"no {kind or 'widget'} labelled {label!r} on the page; it has "
                            f"{shown}")

    # ------------------------------------------------------------------ interacting

    async def navigate(self, title: str, timeout: float | None = None) -> float:
        """Open a page of the navigation by its title, as a sidebar link does."""
        if title not in self.pages:
            raise ProtocolError(f"no page {title!r} in the navigation {sorted(self.pages)}")
        return await self.rerun(page=self.pages[title], timeout=timeout)

    def set(self, label: str | re.Pattern[str], value: object,
            kind: str | None = None) -> Widget:
        """Give a widget a value as its frontend component would; no rerun (see `change`)."""
        widget = self.widget(label, kind)
        self._states[widget.id] = _state_for(widget, value)
        return widget

    async def change(self, label: str | re.Pattern[str], value: object,
                     kind: str | None = None, timeout: float | None = None) -> float:
        """Set a widget outside a form: the browser reruns at once."""
        widget = self.set(label, value, kind)
        if widget.form_id:
            raise ProtocolError(f"{widget.label!r} is in a form: set it, then click submit")
        return await self.rerun(timeout=timeout)

    def button_with_key(self, key: str) -> Widget | None:
        """The button a page made with `key=` (Streamlit ends the element id with it), if
        shown: for rows of identical buttons ("Withdraw" on every request)."""
        for widget in self.widgets("button"):
            if widget.id.endswith(f"-{key}"):
                return widget
        return None

    async def click(self, label: str | re.Pattern[str] | Widget,
                    timeout: float | None = None) -> float:
        """Press a button (or a form's submit button, which sends the form's values)."""
        button = label if isinstance(label, Widget) else self.widget(label, "button")
        if button.proto.disabled:
            raise ProtocolError(f"the button {button.label!r} is disabled")
        seconds = await self.rerun(triggers=[WidgetState(id=button.id, trigger_value=True)],
                                   timeout=timeout)
        if button.form_id and self._forms_cleared.get(button.form_id):
            # clear_on_submit is the frontend's job: its widgets go back to their defaults.
            form = {w.id for w in self.widgets() if w.form_id == button.form_id}
            for widget_id in [i for i in self._states if i in form]:
                del self._states[widget_id]
        return seconds

    async def edit(self, editor: str, rows: dict[int, dict[str, object]],
                   timeout: float | None = None) -> float:
        """Edit cells of a data editor (by widget id) as its grid does: the edited rows by
        position, sent as the editor's JSON state; the browser reruns at once."""
        self._states[editor] = WidgetState(id=editor, string_value=json.dumps(
            {"edited_rows": {str(k): v for k, v in rows.items()}, "added_rows": [],
             "deleted_rows": []}))
        return await self.rerun(timeout=timeout)

    async def wait_for(self, done: Callable[[Session], bool], timeout: float,
                       on_rerun: Callable[[float], None] | None = None) -> float:
        """Let the page's fragments rerun on their timers (st.fragment(run_every=…)), as an
        open tab does, until `done(self)`; the seconds it took."""
        started = time.perf_counter()
        while not done(self):
            left = started + timeout - time.perf_counter()
            if left <= 0:
                raise ProtocolError(f"not done within {timeout:.0f} s")
            if not self.auto_reruns:
                raise ProtocolError("not done, and nothing on the page reruns by itself; the "
                                    f"last run: {self.trace[:3]} … {self.trace[-3:]}; the "
                                    f"page shows {self.texts()[-8:]}")
            fragment, interval = min(self.auto_reruns.items(), key=lambda item: item[1])
            await asyncio.sleep(min(interval, left))
            try:
                seconds = await self.rerun(fragment_id=fragment, auto=True, timeout=left)
            except ProtocolError as error:
                raise ProtocolError(f"not done within {timeout:.0f} s (the last poll: {error})"
                                    ) from error
            if on_rerun is not None:
                on_rerun(seconds)
        return time.perf_counter() - started


def _state_for(widget: Widget, value: object) -> WidgetState:
    state = WidgetState(id=widget.id)
    kind = widget.kind
    if kind in ("selectbox", "radio"):
        # The installed frontend sends the option as shown (format_func applied).
        if str(value) not in widget.options:
            raise ProtocolError(f"{widget.label!r} has no option {value!r}: {widget.options}")
        state.string_value = str(value)
    elif kind == "multiselect":
        chosen = [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]
        missing = [v for v in chosen if v not in widget.options]
        if missing:
            raise ProtocolError(f"{widget.label!r} has no options {missing}")
        state.string_array_value.data.extend(chosen)
    elif kind in ("text_input", "text_area"):
        state.string_value = str(value)
    elif kind == "checkbox":
        state.bool_value = bool(value)
    elif kind == "number_input":
        if widget.proto.data_type == NumberInput.INT:
            state.int_value = int(value)  # type: ignore[call-overload]
        else:
            state.double_value = float(value)  # type: ignore[arg-type]
    elif kind == "slider":
        values = value if isinstance(value, list | tuple) else [value]
        state.double_array_value.data.extend(float(v) for v in values)  # type: ignore[arg-type]
    else:
        raise ProtocolError(f"setting a {kind} is not supported by this driver")
    return state
