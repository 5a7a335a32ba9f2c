"""A headless Chromium driven over its DevTools pipe, with nothing of a test driver's instrumentation.

Playwright (which the tests use) turns on, in every tab, the DevTools domains it needs to report requests,
console messages and script contexts: the browser then describes each of a page's sixty-odd requests to it while
the page loads, on the same two CPUs. A person's browser does none of that, so the first-page benchmark drives
Chromium the way Playwright does (``--remote-debugging-pipe``: JSON messages ended by a NUL byte, commands on
the browser's file descriptor 3, answers and events on 4) but only sends it what timing needs: open a tab, add
the timing script, navigate, read the marks. Events it has not asked for are read and dropped.

Reference: https://chromedevtools.github.io/devtools-protocol/ (Target, Page, Emulation, Runtime).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
from typing import Any

# What Playwright 1.65 starts a headless Chromium with (read from the browser's command line), so that the two
# drivers time the same browser: same features, same pointer (a mouse, hover), no startup window.
DEFAULT_ARGS = [
    "--disable-field-trial-config",
    "--disable-background-networking",
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
    "--disable-back-forward-cache",
    "--disable-breakpad",
    "--disable-component-extensions-with-background-pages",
    "--disable-component-update",
    "--no-default-browser-check",
    "--disable-default-apps",
    "--disable-dev-shm-usage",
    "--disable-edgeupdater",
    "--disable-extensions",
    "--disable-features=AvoidUnnecessaryBeforeUnloadCheckSync,DestroyProfileOnBrowserClose,HttpsUpgrades,"
    "HttpsFirstBalancedModeAutoEnable,LensOverlay,MediaRouter,PaintHolding,ThirdPartyStoragePartitioning,"
    "AvoidCorsURLLoaderRestartOnRedirect,TcpPortRandomizationWin,OptimizationHints,NetworkTimeServiceQuerying,"
    "AimEnabled,PreconnectToSearch",
    "--enable-features=CDPScreenshotNewSurface,SkipListAccountsWithoutGaiaCookies",
    "--allow-pre-commit-input",
    "--disable-hang-monitor",
    "--disable-ipc-flooding-protection",
    "--disable-popup-blocking",
    "--disable-prompt-on-repost",
    "--disable-renderer-backgrounding",
    "--disable-updater-scheduler",
    "--force-color-profile=srgb",
    "--metrics-recording-only",
    "--no-first-run",
    "--password-store=basic",
    "--use-mock-keychain",
    "--no-service-autorun",
    "--disable-search-engine-choice-screen",
    "--unsafely-disable-devtools-self-xss-warnings",
    "--enable-unsafe-swiftshader",
    "--disable-stack-profiler",
    "--disable-infobars",
    "--disable-sync",
    "--headless",
    "--hide-scrollbars",
    "--mute-audio",
    "--blink-settings=primaryHoverType=2,availableHoverTypes=2,primaryPointerType=4,availablePointerTypes=4",
    "--no-startup-window",
]


class DevToolsError(RuntimeError):
    """Chromium answered a command with an error, or stopped."""


class Chromium:
    """One headless Chromium with a profile of its own (a first visitor: nothing cached), closed with the
    ``with`` block."""

    def __init__(self, executable: str, args: list[str]) -> None:
        self._profile = tempfile.mkdtemp(prefix="dpia-bench-chromium-")
        to_browser, self._commands = os.pipe()
        self._answers, from_browser = os.pipe()

        def on_3_and_4() -> None:  # in the child, before exec: where Chromium looks for its pipe
            # Copied above 4 first: either end may itself be 3 or 4. dup2 leaves 3 and 4 open across exec.
            high = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in (to_browser, from_browser)]
            os.dup2(high[0], 3)
            os.dup2(high[1], 4)

        try:
            self._process = subprocess.Popen(
                [executable, *DEFAULT_ARGS, *args, f"--user-data-dir={self._profile}", "--remote-debugging-pipe"],
                close_fds=False,  # Python's own descriptors are not inherited anyway (PEP 446)
                preexec_fn=on_3_and_4, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
        except OSError:
            for fd in (to_browser, from_browser, self._commands, self._answers):
                os.close(fd)
            shutil.rmtree(self._profile, ignore_errors=True)
            raise
        os.close(to_browser)
        os.close(from_browser)
        self._reader = os.fdopen(self._answers, "rb", buffering=0)
        self._buffer = b""
        self._last_id = 0

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def send(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        """One command (to the browser, or to a tab's ``session``); its result."""
        self._last_id += 1
        message: dict[str, Any] = {"id": self._last_id, "method": method, "params": params}
        if session is not None:
            message["sessionId"] = session
        data = json.dumps(message).encode() + b"\0"
        while data:
            data = data[os.write(self._commands, data) :]
        while True:
            answer = self._next_message()
            if answer.get("id") != self._last_id:
                continue  # an event
            if "error" in answer:
                raise DevToolsError(f"{method}: {answer['error'].get('message', answer['error'])}")
            return answer.get("result", {})  # type: ignore[no-any-return]

    def _next_message(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            chunk = self._reader.read(1 << 16)
            if not chunk:
                raise DevToolsError(f"Chromium stopped (exit code {self._process.poll()})")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)  # type: ignore[no-any-return]

    def new_tab(self, width: int = 1280, height: int = 720) -> Tab:
        """A new tab of this profile (it shares the profile's cache with the tabs opened before), its page
        ``width`` by ``height`` CSS pixels as Playwright sets it by default."""
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.send("Page.enable", session)  # Chromium keeps the scripts to run in new documents only then
        self.send("Emulation.setDeviceMetricsOverride", session, width=width, height=height, deviceScaleFactor=1,
                  mobile=False)  # fmt: skip
        return Tab(self, target, session)

    def close(self) -> None:
        with contextlib.suppress(DevToolsError, OSError):  # it may close the pipe before it answers
            self.send("Browser.close")
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._reader.close()
        os.close(self._commands)
        shutil.rmtree(self._profile, ignore_errors=True)


class Tab:
    """A tab of :class:`Chromium`, driven through a DevTools session of its own."""

    def __init__(self, browser: Chromium, target: str, session: str) -> None:
        self._browser, self._target, self._session = browser, target, session

    def add_script(self, source: str) -> None:
        """Run ``source`` in every document this tab loads from now on, before the page's own scripts."""
        self._browser.send("Page.addScriptToEvaluateOnNewDocument", self._session, source=source)

    def navigate(self, url: str) -> None:
        """Start loading ``url``; returns once the navigation has committed (or failed), long before the page has
        loaded."""
        result = self._browser.send("Page.navigate", self._session, url=url)
        if result.get("errorText"):
            raise DevToolsError(f"{url}: {result['errorText']}")

    def evaluate(self, expression: str) -> Any:
        """The JSON value of ``expression`` in the page."""
        result = self._browser.send("Runtime.evaluate", self._session, expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise DevToolsError(
                f"{expression}: {details.get('exception', {}).get('description') or details.get('text')}"
            )
        return result["result"].get("value")

    def close(self) -> None:
        self._browser.send("Target.closeTarget", targetId=self._target)
