"""Every page when the database fails on a read: a server out of reach, a SQLite file that is not a database, a
folder where the database cannot be created. The page says what happened and what to do, in the person's
language, never a traceback and never the password in the URL; the sidebar still works; once the database is
back, "Try again" (any rerun) brings the page back without restarting the server.

Each fault is the real thing: a loopback port nobody listens on, random bytes, a regular file in the path, and
a TCP relay in front of a real PostgreSQL server that is cut while an assessment is open.
"""

from __future__ import annotations

import contextlib
import random
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url
from streamlit.testing.v1 import AppTest

from tests.app.conftest import SAMPLE, create_through_home, new_app
from tests.store.store_helpers import Databases

URL_ENV = "DPIA_DATABASE_URL"
PASSWORD = "s3cret-pw"
PAGES_READING_THE_DATABASE = ["views/home.py", "views/assess.py", "views/review.py", "views/archive.py"]
# What the person reads first, by language and StorageError.kind.
SAID = {
    "en": {
        "unreachable": "**The database cannot be reached or opened.**",
        "damaged": "**The database file is damaged or is not a database.**",
    },
    "fr": {
        "unreachable": "**La base de données est injoignable ou ne peut pas être ouverte.**",
        "damaged": "**Le fichier de la base de données est endommagé ou n'est pas une base de données.**",
    },
}
WHAT_TO_DO = {"unreachable": "Try again when it is back", "damaged": "restored from a backup"}


def closed_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Broken:
    kind: str
    url: str
    repair: Callable[[], None]


@pytest.fixture(params=["server-out-of-reach", "not-a-database", "folder-under-a-file"])
def broken(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Broken:
    """The app on a database that fails from its first read; ``repair`` makes it work (a new SQLite file)."""
    monkeypatch.setenv("DPIA_QUESTIONNAIRES", str(SAMPLE))
    repaired = f"sqlite:///{tmp_path}/repaired.sqlite"
    if request.param == "server-out-of-reach":
        url = f"postgresql+psycopg://dpia:{PASSWORD}@127.0.0.1:{closed_port()}/dpia"
        fault = Broken("unreachable", url, lambda: monkeypatch.setenv(URL_ENV, repaired))
    elif request.param == "not-a-database":
        path = tmp_path / "app.sqlite"
        path.write_bytes(random.Random(request.node.name).randbytes(16384))
        fault = Broken("damaged", f"sqlite:///{path}", path.unlink)  # the next open creates it afresh
    else:
        blocker = tmp_path / "data"
        blocker.write_text("a regular file where the database's folder should be")
        fault = Broken("unreachable", f"sqlite:///{blocker}/dpia/app.sqlite", blocker.unlink)
    monkeypatch.setenv(URL_ENV, fault.url)
    return fault


def every_text(at: AppTest) -> str:
    """Everything the page sent to the browser (every element, main area and sidebar)."""
    found: list[str] = []

    def walk(node: Any) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            found.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(found)


def assert_says_what_happened(at: AppTest, kind: str, lang: str = "en") -> None:
    assert not at.exception, at.exception
    shown = "\n".join(e.value for e in at.error)
    assert SAID[lang][kind] in shown, shown
    if lang == "en":
        assert WHAT_TO_DO[kind] in shown, shown
    assert PASSWORD not in every_text(at)
    assert at.text_input(key="as").value == "Ada"  # the sidebar is drawn
    assert [b.key for b in at.button if b.key == "storage-retry"]


@pytest.mark.parametrize("page", PAGES_READING_THE_DATABASE)
def test_when_the_database_fails_on_a_read_then_the_page_says_what_happened_and_what_to_do(
    broken: Broken, page: str
) -> None:
    at = new_app()
    at.run()
    if page != "views/home.py":
        at.switch_page(page).run()
    assert_says_what_happened(at, broken.kind)
    assert "cannot open the database" in at.error[0].value  # then the store's own words
    at.button_group(key="lang").set_value("fr").run()  # the language switch still works, and so do the words
    assert_says_what_happened(at, broken.kind, "fr")
    assert at.query_params["lang"] == "fr"


def test_when_a_shared_link_names_an_assessment_and_the_database_fails_then_the_page_says_so(
    broken: Broken,
) -> None:
    at = new_app(assessment="0123456789abcdef")
    at.switch_page("views/assess.py").run()
    assert_says_what_happened(at, broken.kind)
    assert at.query_params["assessment"] == "0123456789abcdef"  # kept for when the database is back


def test_when_the_database_fails_then_the_questionnaires_page_still_lists_them(broken: Broken) -> None:
    at = new_app()
    at.switch_page("views/questionnaires.py").run()  # it never reads the database
    assert not at.exception, at.exception
    assert not at.error
    assert any("sample" in s.value for s in at.subheader)
    assert PASSWORD not in every_text(at)


def test_when_the_database_is_repaired_then_try_again_brings_the_page_back_without_a_restart(
    broken: Broken,
) -> None:
    at = new_app()
    at.run()
    assert_says_what_happened(at, broken.kind)
    broken.repair()
    at.button(key="storage-retry").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    aid = create_through_home(at, "Mood cameras")  # reads and writes work again
    assert at.title[0].value == "Mood cameras" and aid


# --- the server goes out of reach while an assessment is open ---------------------------------------------


class Relay:
    """A TCP relay in front of the PostgreSQL server. ``cut`` puts the server out of reach (open connections
    drop, new ones are closed at once); ``mend`` brings it back."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.listener.getsockname()[1])
        self.up = True
        self.connections: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:  # closed
                return
            if not self.up:
                client.close()
                continue
            server = socket.create_connection(self.target)
            with self.lock:
                self.connections += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        self.up = False
        with self.lock:
            for connection in self.connections:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
                connection.close()
            self.connections.clear()

    def mend(self) -> None:
        self.up = True

    def close(self) -> None:
        self.cut()
        self.listener.close()


@pytest.fixture
def relayed_postgres(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Relay]:
    """The app on a fresh PostgreSQL database reached through a :class:`Relay` (skipped without PostgreSQL)."""
    databases = Databases("postgresql", request, tmp_path)
    direct = make_url(databases.new_url())
    relay = Relay(direct.host or "127.0.0.1", direct.port or 5432)
    url = direct.set(host="127.0.0.1", port=relay.port, password=PASSWORD).render_as_string(hide_password=False)
    monkeypatch.setenv(URL_ENV, url)
    monkeypatch.setenv("DPIA_QUESTIONNAIRES", str(SAMPLE))
    try:
        yield relay
    finally:
        relay.close()
        databases.drop_all()


def test_when_the_server_goes_out_of_reach_while_an_assessment_is_open_then_the_page_says_so_and_comes_back(
    relayed_postgres: Relay,
) -> None:
    at = new_app()
    create_through_home(at, "Mood cameras")
    assert at.title[0].value == "Mood cameras"
    relayed_postgres.cut()
    at.run()
    assert_says_what_happened(at, "unreachable")
    assert "nothing could be read" in at.error[0].value
    relayed_postgres.mend()
    at.button(key="storage-retry").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert at.title[0].value == "Mood cameras"
