"""The launcher ``python -m views.serve``: the warm-up fills the app's caches and never stops the server.

The browser tests start the app through the launcher (see ``live_app`` in conftest.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

WARM_UP = """
import sys
from views import context, serve
took = serve.warm_up()
print(sorted(key[0] for key in context._resources), round(took, 3) >= 0)
print(all(module in sys.modules for module in serve._USED_BY_THE_PAGES))
"""


def _warm_up(database_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DPIA_DATABASE_URL": database_url}
    env.pop("DPIA_QUESTIONNAIRES", None)
    return subprocess.run(
        [sys.executable, "-c", WARM_UP], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_warm_up_loads_the_questionnaires_and_migrates_the_store(tmp_path: Path) -> None:
    database = tmp_path / "warm.sqlite"
    done = _warm_up(f"sqlite:///{database}")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["['catalog', 'store'] True", "True"]
    assert database.exists()  # created and migrated before any visitor
    assert "missing ScriptRunContext" not in done.stderr


def test_warm_up_with_an_unusable_database_warns_and_lets_the_app_report_it(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    done = _warm_up(f"sqlite:///{tmp_path}/a-file/dpia.sqlite")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[0] == "['catalog'] True"  # the store is left for the app to try and explain
    assert "warm-up stopped early, the app will report it" in done.stderr
