"""The launcher ``python -m views.serve``: the warm-up fills the app's caches and never stops the server.

The browser tests start the app through the launcher (see ``live_app`` in conftest.py).
"""

from __future__ import annotations

import ast
import asyncio
import concurrent.futures
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

from tests.app.conftest import launch
from views import serve

ROOT = Path(__file__).resolve().parents[2]

WARM_UP = """
import sys
from views import context, serve
took = serve.warm_up()
print(sorted(key[0] for key in context._resources), round(took, 3) >= 0)
print(all(module in sys.modules for module in serve._USED_BY_THE_PAGES))
print(all(module in sys.modules for module in serve.IMPORTED_ON_FIRST_USE))
from streamlit.runtime.metrics_util import Installation
print(Installation._instance is not None)
"""


def _python(code: str, *args: str, database_url: str) -> subprocess.CompletedProcess[str]:
    """``code`` in a fresh interpreter in the project, on the real questionnaires and ``database_url``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DPIA_DATABASE_URL": database_url}
    env.pop("DPIA_QUESTIONNAIRES", None)
    return subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def _warm_up(database_url: str) -> subprocess.CompletedProcess[str]:
    return _python(WARM_UP, database_url=database_url)


def test_warm_up_loads_the_questionnaires_and_migrates_the_store(tmp_path: Path) -> None:
    database = tmp_path / "warm.sqlite"
    done = _warm_up(f"sqlite:///{database}")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:4] == ["['catalog', 'store'] True", "True", "True", "True"]
    assert database.exists()  # created and migrated before any visitor
    assert "missing ScriptRunContext" not in done.stderr


def test_warm_up_with_an_unusable_database_warns_and_lets_the_app_report_it(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    done = _warm_up(f"sqlite:///{tmp_path}/a-file/dpia.sqlite")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[0] == "['catalog'] True"  # the store is left for the app to try and explain
    assert "warm-up stopped early, the app will report it" in done.stderr


def test_the_server_runs_on_uvloop_which_sends_small_responses_at_once() -> None:
    """Streamlit binds its listening socket itself, with protocol 0, and Python's own event loop only turns off
    Nagle's algorithm for sockets that say TCP: every small response (most of Streamlit's 100-odd script files,
    every websocket message) then waits for the browser's delayed acknowledgement, about 40 ms on Linux. uvloop,
    installed by Streamlit's ``performance`` extra (requirements.txt), turns it off on every TCP connection, and
    Streamlit runs on uvloop when it is installed. This checks both, on Streamlit's own listening socket."""
    import asyncio
    import socket
    import threading

    from streamlit.web import bootstrap
    from streamlit.web.server.starlette import starlette_server

    new_loop = bootstrap._get_uvloop_loop_factory()
    assert new_loop is not None, "uvloop is missing: install requirements.txt (streamlit[performance])"
    listener = starlette_server._bind_socket("127.0.0.1", 0, 8)
    assert listener.proto == 0  # why the standard loop leaves Nagle's algorithm on

    async def nodelay_of_an_accepted_connection() -> int:
        accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        class Report(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                sock = transport.get_extra_info("socket")
                accepted.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        server = await asyncio.get_running_loop().create_server(Report, sock=listener)
        _, writer = await asyncio.open_connection(*listener.getsockname())
        try:
            return await asyncio.wait_for(accepted, 10)
        finally:
            writer.close()
            server.close()

    def in_its_own_thread() -> None:  # other tests may leave an event loop running in this one
        loop = new_loop()
        try:
            found.append(loop.run_until_complete(nodelay_of_an_accepted_connection()))
        finally:
            loop.close()

    found: list[int] = []
    thread = threading.Thread(target=in_its_own_thread)
    thread.start()
    thread.join(30)
    assert found == [1]


FIRST_ELEMENT = """
import inspect, sys
from views import serve
if sys.argv[1] == "warm":
    serve._warm_streamlit()
stacks = []
real_stack = inspect.stack
inspect.stack = lambda *args, **kwargs: stacks.append(1) or real_stack(*args, **kwargs)
import streamlit as st
st.markdown("the first element drawn")
print(len(stacks))
"""


def _stack_inspections(mode: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", FIRST_ELEMENT, mode],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return int(done.stdout.split()[-1])


def test_after_the_warm_up_the_first_element_does_not_inspect_the_stack() -> None:
    """Streamlit's once-only "use streamlit run" check reads every frame's source on the first element drawn:
    50-150 ms of the first visitor's first run. The launcher starts Streamlit as `streamlit run` does, so the
    warm-up marks the check as done; should Streamlit rename its flag, the first count stops being zero."""
    assert _stack_inspections("cold") >= 1  # what the check costs without the warm-up
    assert _stack_inspections("warm") == 0


FIRST_RUN = """
import sys
from streamlit.runtime.scriptrunner import script_runner
from streamlit.testing.v1 import AppTest
from views import serve
if sys.argv[1] == "warm":
    serve.warm_up()
imported = []
run_script = script_runner.ScriptRunner._run_script
def recording(self, rerun_data):
    before = set(sys.modules)
    try:
        run_script(self, rerun_data)
    finally:
        imported.extend(sorted(set(sys.modules) - before))
script_runner.ScriptRunner._run_script = recording
app = AppTest.from_file(sys.argv[2], default_timeout=60)
app.query_params["as"] = "Ada"
app.run()
assert not app.exception, app.exception
print(imported)
"""


def _imported_by_the_first_run(mode: str, tmp_path: Path) -> list[str]:
    done = _python(FIRST_RUN, mode, str(ROOT / "app.py"), database_url=f"sqlite:///{tmp_path}/{mode}.sqlite")
    assert done.returncode == 0, done.stderr
    return list(ast.literal_eval(done.stdout.strip().splitlines()[-1]))


def test_after_the_warm_up_the_first_visitor_s_run_imports_nothing(tmp_path: Path) -> None:
    """Whatever the home page's first run imports (ours or Streamlit's, such as its list of Material icon names)
    is work done before the page's title is sent to the first visitor: the warm-up imports it all beforehand."""
    assert "streamlit.material_icon_names" in _imported_by_the_first_run("cold", tmp_path)
    assert _imported_by_the_first_run("warm", tmp_path) == []


OPTIONS = "from views.serve import streamlit_options; print(streamlit_options({argv!r}))"


def _options(argv: list[str], cwd: Path, **env: str) -> list[str]:
    """``argv`` with the launcher's defaults, run in ``cwd`` with neither default set in the environment."""
    kept = ("STREAMLIT_SERVER_FILE_WATCHER_TYPE", "STREAMLIT_CLIENT_TOOLBAR_MODE")
    environment = {key: value for key, value in os.environ.items() if key not in kept}
    environment.update(PYTHONPATH=str(ROOT), **env)
    done = subprocess.run(
        [sys.executable, "-c", OPTIONS.format(argv=argv)], cwd=cwd, env=environment, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return list(ast.literal_eval(done.stdout.strip()))


def test_the_launcher_turns_off_development_aids_unless_told_otherwise(tmp_path: Path) -> None:
    """Watching every local module's file costs each new session CPU the browser needs (the first page); the
    toolbar's developer entries are of no use to the people using the app."""
    defaults = ["--server.fileWatcherType", "none", "--client.toolbarMode", "viewer"]
    assert _options([], tmp_path) == defaults
    assert _options(["--server.port", "8502"], tmp_path) == ["--server.port", "8502", *defaults]
    # a choice made on the command line, in the environment or in a config file stands
    toolbar = ["--client.toolbarMode", "viewer"]
    assert _options(["--server.fileWatcherType", "auto"], tmp_path) == ["--server.fileWatcherType", "auto", *toolbar]
    assert _options(["--server.fileWatcherType=poll"], tmp_path) == ["--server.fileWatcherType=poll", *toolbar]
    assert _options(["--client.toolbarMode=developer"], tmp_path) == [
        "--client.toolbarMode=developer",
        "--server.fileWatcherType",
        "none",
    ]
    assert _options([], tmp_path, STREAMLIT_SERVER_FILE_WATCHER_TYPE="poll") == toolbar
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "config.toml").write_text(
        '[server]\nfileWatcherType = "poll"\n[client]\ntoolbarMode = "minimal"\n', encoding="utf-8"
    )
    assert _options([], tmp_path) == []


def test_starting_the_app_does_not_ask_to_restart_it(tmp_path: Path) -> None:
    """The warm-up reads Streamlit's configuration before the command line does: Streamlit then warned that a
    [server] option changed and asked for a restart, on every start, while nothing was serving yet."""
    log = tmp_path / "server.log"
    server, base = launch(log, {**os.environ, "DPIA_DATABASE_URL": f"sqlite:///{tmp_path}/start.sqlite"})
    server.terminate()
    server.wait(timeout=10)
    said = log.read_text(encoding="utf-8")
    assert "questionnaires and store ready" in said and base.removeprefix("http://") in said, said
    assert "restart" not in said.lower(), said


def _ask(assets: serve.HashedAssets, path: str, method: str = "GET", headers: list[Any] | None = None) -> list[Any]:
    """What ``assets`` sends for one request; a request it passes on is answered by a stand-in for Streamlit."""

    async def streamlit(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 299, "headers": []})

    async def ask() -> list[Any]:
        sent: list[Any] = []

        async def send(message: Any) -> None:
            sent.append(message)

        scope = {"type": "http", "method": method, "path": path, "headers": headers or []}
        await assets(scope, None, send)
        return sent

    assets.app = streamlit
    with concurrent.futures.ThreadPoolExecutor(1) as thread:  # its own event loop, whatever runs in this thread
        return thread.submit(asyncio.run, ask()).result()


def test_streamlit_s_front_end_files_are_answered_from_memory_and_nothing_else(tmp_path: Path) -> None:
    """The launcher answers the hashed bundles itself (a first visitor fetches about sixty of them); every other
    request, and any name that is not one of those files, goes on to Streamlit."""
    (tmp_path / "static" / "js").mkdir(parents=True)
    bundle = tmp_path / "static" / "js" / "index.Ab12.js"
    bundle.write_bytes(b"export default 1;\n")
    (tmp_path / "index.html").write_text("<html></html>", encoding="utf-8")
    assets = serve.HashedAssets(None, static_folder=tmp_path, base_url="")

    start, body = _ask(assets, "/static/js/index.Ab12.js")
    assert start["status"] == 200
    assert dict(start["headers"]) == {
        b"content-type": b"text/javascript; charset=utf-8",
        b"content-length": b"18",
        b"cache-control": b"public, immutable, max-age=31536000",
    }
    assert body["body"] == b"export default 1;\n"
    bundle.write_bytes(b"changed")  # read once, then kept: the names are content hashes
    assert _ask(assets, "/static/js/index.Ab12.js")[1]["body"] == b"export default 1;\n"

    for path, method, headers in (
        ("/", "GET", []),  # the page itself
        ("/index.html", "GET", []),
        ("/static/js/other.js", "GET", []),
        ("/static/js/../../index.html", "GET", []),
        ("/static/js/index.Ab12.js", "HEAD", []),
        ("/static/js/index.Ab12.js", "GET", [(b"range", b"bytes=0-3")]),
    ):
        assert _ask(assets, path, method, headers)[0]["status"] == 299, (path, method)

    under_a_base = serve.HashedAssets(None, static_folder=tmp_path, base_url="/dpia/")
    assert _ask(under_a_base, "/dpia/static/js/index.Ab12.js")[0]["status"] == 200
    assert _ask(under_a_base, "/static/js/index.Ab12.js")[0]["status"] == 299


def test_the_running_app_answers_its_bundles_itself(tmp_path: Path) -> None:
    """The real server, as ``make run`` starts it: a bundle the page loads comes from the launcher (Streamlit's own
    file response would carry an ETag) and is the file Streamlit ships; the page itself is still Streamlit's."""
    import streamlit

    server, base = launch(tmp_path / "server.log", {**os.environ, "DPIA_DATABASE_URL": f"sqlite:///{tmp_path}/a.db"})
    try:
        page = urllib.request.urlopen(f"{base}/", timeout=10).read().decode()
        script = re.search(r'src="\./(static/js/index\.[^"]+\.js)"', page)
        assert script is not None, page[:2000]
        with urllib.request.urlopen(f"{base}/{script.group(1)}", timeout=10) as answer:
            assert answer.headers["Content-Type"] == "text/javascript; charset=utf-8"
            assert answer.headers["Cache-Control"] == "public, immutable, max-age=31536000"
            assert answer.headers["ETag"] is None
            assert answer.read() == (Path(streamlit.__file__).parent / "static" / script.group(1)).read_bytes()
    finally:
        server.terminate()
        server.wait(timeout=10)
