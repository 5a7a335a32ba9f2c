"""Start the app with its heavy parts ready: ``python -m views.serve [streamlit run options]``.

``streamlit run app.py`` imports nothing of ours until the first visitor's first run, so that visitor waits
for SQLAlchemy, Alembic, pydantic's model building, the questionnaires and the store's migration check
(about a second on a small machine). This launcher does all of that first, in the same process, then starts
Streamlit as ``streamlit run app.py`` would: the first page costs what every later one does. Two defaults
differ: Streamlit's watcher of source files (a development aid that reruns on save) is off, and the toolbar
shows a viewer's menu without the developer entries, unless the command line, the environment or a config
file asks otherwise (:func:`streamlit_options`). And the browser's requests for Streamlit's own front-end files
are answered from memory (:class:`HashedAssets`).

Any ``streamlit run`` option may follow (``--server.port 8502``, ``--server.headless true``, ...). A broken
questionnaire or an unreachable database does not stop the server: the app shows those problems on its
pages, as it would without the warm-up.
"""

from __future__ import annotations

import gc
import importlib
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

APP = Path(__file__).resolve().parent.parent / "app.py"

log = logging.getLogger("dpia.serve")


def warm_up() -> float:
    """Import the store, the engine and the report and open the questionnaires and the store; seconds taken."""
    start = time.perf_counter()
    # Streamlit warns that there is no script run around these calls: expected here, and only here.
    quiet = [logging.getLogger(name) for name in _OUTSIDE_A_RUN]
    levels = [logger.level for logger in quiet]
    for logger in quiet:
        logger.setLevel(logging.ERROR)
    try:
        from views import context

        context.catalog()
        context.the_store()
        for module in _USED_BY_THE_PAGES:
            importlib.import_module(module)
        _warm_streamlit()
    except Exception as error:  # the pages report these themselves, in their own words
        log.warning("warm-up stopped early, the app will report it: %s", error)
    finally:
        for logger, level in zip(quiet, levels, strict=True):
            logger.setLevel(level)
    # Everything loaded so far lives as long as the server: keep it out of the garbage collector's way.
    # Streamlit runs a full collection after every script run; without this, each one walks all of it.
    gc.collect()
    gc.freeze()
    return time.perf_counter() - start


def _warm_streamlit() -> None:
    """What Streamlit itself does once, lazily, during the first visitor's first run."""
    from streamlit import delta_generator, string_util

    string_util.extract_leading_emoji("Français")  # a non-ASCII label compiles Streamlit's emoji pattern
    # The first element any session draws makes Streamlit check once whether it was started without
    # `streamlit run` (to print "use streamlit run"): `inspect.stack()` in the script thread, which reads the
    # source of every frame and resolves the path of every module imported since. That cost the first visitor
    # 50-150 ms of server CPU before their page's first element. This launcher always starts Streamlit through
    # its command line, so the warning cannot apply: mark it as given.
    if hasattr(delta_generator, USE_WARNING_GIVEN):
        setattr(delta_generator, USE_WARNING_GIVEN, True)
    for module in IMPORTED_ON_FIRST_USE:
        importlib.import_module(module)
    # The first session's opening message carries this installation's identifier, which Streamlit works out once
    # (it reads the machine's id and its own id file): 15-40 ms before the browser hears anything.
    from streamlit.runtime.metrics_util import Installation

    Installation.instance()


USE_WARNING_GIVEN = "_use_warning_has_been_displayed"  # streamlit.delta_generator's once-only flag
# Modules Streamlit imports for the first visitor's session and first run, up to 0.1 s each on a small machine (more
# when the browser is busy on the same CPUs), all before the page's title is sent:
IMPORTED_ON_FIRST_USE = (
    "streamlit.material_icon_names",  # every Material icon's name, which the pages' icons are checked against
    "streamlit.web.skills",  # read for the first session's opening message (its AI-agent "skills" hint)
    "numpy",  # these two: Streamlit's image code, which the page icon goes through, imports them first
    "PIL.Image",
    "PIL.ImageFile",
)


# What the page scripts import (they are run, not imported, so their own code waits for a visitor).
_USED_BY_THE_PAGES = (
    "report",
    "views.answer_text",
    "views.autosave",
    "views.outcome",
    "views.question_widgets",
)
_OUTSIDE_A_RUN = (
    "streamlit.runtime.caching.cache_data_api",
    "streamlit.runtime.scriptrunner_utils.script_run_context",
)


# Two development aids are off for the people using the app (``streamlit run app.py`` keeps them for developers;
# pass the option, e.g. ``--server.fileWatcherType auto``, or set it in the config to have it here too):
# - Streamlit watches the source file of every local module a session uses so it can offer to rerun on a
#   change: that costs each new session about a quarter of a second of CPU, taken from the browser when both
#   share a machine;
# - the toolbar's developer entries ("Deploy", "Rerun", "Clear cache"): "viewer" keeps only the menu a person
#   using the app needs (print, theme, about), and the first page has less to draw.
SERVING_DEFAULTS = {"server.fileWatcherType": "none", "client.toolbarMode": "viewer"}


def streamlit_options(argv: list[str]) -> list[str]:
    """``argv`` plus this launcher's defaults for what neither ``argv``, the environment nor a config file sets."""
    from streamlit import config
    from streamlit.config_option import ConfigOption

    given = {arg.split("=", 1)[0].removeprefix("--") for arg in argv if arg.startswith("--")}
    added = []
    for key, value in SERVING_DEFAULTS.items():
        option = config.get_config_options()[key]
        if key in given or option.env_var in os.environ or option.where_defined != ConfigOption.DEFAULT_DEFINITION:
            continue
        added += [f"--{key}", value]
    return [*argv, *added]


class HashedAssets:
    """ASGI middleware: Streamlit's front-end bundles (``/static/...``, content-hashed names) answered from memory.

    A first visitor's browser fetches about sixty of these files before it can draw anything. Streamlit serves
    each through its middleware and Starlette's ``StaticFiles``, which look the file up and read it on worker
    threads: about 2.5 ms of server CPU a file, and six at a time on HTTP/1.1, while the browser waits (and, on a
    machine they share, competes with it for the CPU). Here a request for one of the files Streamlit ships is a
    dictionary lookup and one send: about a tenth of that. Anything else (the page itself, HEAD, a range, an
    unknown name) goes on to Streamlit unchanged. The answer is the file's bytes with Streamlit's own caching
    rule for these names: public, immutable, a year.

    Only names listed from Streamlit's static folder at start are answered, so no request can reach another
    file. A file's bytes are read on its first request and kept: about 3 MB for what a visit fetches, and never
    more than the folder (25 MB, most of it code for widgets this app does not use).
    """

    CACHE_CONTROL = b"public, immutable, max-age=31536000"

    def __init__(self, app: Any, static_folder: Path | None = None, base_url: str | None = None) -> None:
        import mimetypes

        import streamlit
        from streamlit import config

        self.app = app
        folder = static_folder or Path(streamlit.__file__).parent / "static"
        base = (config.get_option("server.baseUrlPath") if base_url is None else base_url).strip("/")
        self.prefix = f"/{base}" if base else ""
        self.files: dict[str, tuple[Path, bytes]] = {}
        for path in sorted((folder / "static").rglob("*")):
            if path.is_file():
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                if kind.startswith("text/") or kind.endswith("javascript"):
                    kind += "; charset=utf-8"
                self.files[f"/{path.relative_to(folder).as_posix()}"] = (path, kind.encode())
        self.read: dict[str, bytes] = {}

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        name = self._asset(scope)
        if name is None:
            await self.app(scope, receive, send)
            return
        path, kind = self.files[name]
        body = self.read.get(name)
        if body is None:
            body = self.read[name] = path.read_bytes()
        headers = [
            (b"content-type", kind),
            (b"content-length", str(len(body)).encode()),
            (b"cache-control", self.CACHE_CONTROL),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    def _asset(self, scope: Any) -> str | None:
        """The asset a plain GET asks for, or None when the request is for Streamlit to answer."""
        if scope["type"] != "http" or scope["method"] != "GET":
            return None
        if any(key == b"range" for key, _ in scope["headers"]):
            return None
        path: str = scope["path"]
        if not path.startswith(self.prefix):
            return None
        name = path[len(self.prefix) :]
        return name if name in self.files else None


def serve_hashed_assets_from_memory() -> bool:
    """Put :class:`HashedAssets` in front of Streamlit's middleware; False (and a warning) when Streamlit no
    longer builds its middleware where this expects, in which case Streamlit serves the files as before."""
    try:
        from starlette.middleware import Middleware
        from streamlit.web.server.starlette import starlette_app

        streamlit_middleware = starlette_app.create_streamlit_middleware
    except (ImportError, AttributeError) as error:
        log.warning("Streamlit serves its own front-end files (%s)", error)
        return False

    def with_hashed_assets() -> list[Any]:
        return [Middleware(HashedAssets), *streamlit_middleware()]

    starlette_app.create_streamlit_middleware = with_hashed_assets
    return True


class _BeforeTheServerStarts(logging.Filter):
    """Drops Streamlit's "restart streamlit" warning while the server has not started yet.

    The warm-up reads Streamlit's configuration; the command line then reads it again with its options, and
    Streamlit warns that a [server] option changed and asks for a restart. Nothing was serving yet, so every
    option takes effect: the warning would only mislead the person starting the app. Once the server runs, the
    warning is Streamlit's again.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        from streamlit import runtime

        return runtime.exists() or RESTART_WARNING not in record.getMessage()


RESTART_WARNING = "config option section was detected"


def main(argv: list[str]) -> None:
    took = warm_up()
    print(f"dpia: questionnaires and store ready in {took:.1f} s; starting Streamlit", file=sys.stderr)
    from streamlit.web import cli

    logging.getLogger("streamlit.config").addFilter(_BeforeTheServerStarts())
    serve_hashed_assets_from_memory()

    sys.argv = ["streamlit", "run", str(APP), *streamlit_options(argv)]
    cli.main()


if __name__ == "__main__":
    main(sys.argv[1:])
