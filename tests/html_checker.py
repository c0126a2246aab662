"""The Nu HTML Checker (vnu) as a local HTTP service, started once per test process.

Starting Java for every page would cost seconds; one checker server answers
each document in milliseconds.
"""

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _jar_path():
    if os.environ.get("VNU_JAR"):
        return Path(os.environ["VNU_JAR"])
    candidates = sorted(ROOT.glob(".venv/vnu-*/vnu.jar"))
    return candidates[-1] if candidates else None


class HtmlChecker:
    def __init__(self):
        jar = _jar_path()
        java = shutil.which("java")
        if not jar or not jar.exists() or not java:
            message = "The HTML checker needs Java and vnu.jar (make test installs both)."
            if os.environ.get("CI"):
                pytest.fail(message)
            pytest.skip(message)
        self.port = _free_port()
        self.process = subprocess.Popen(
            [java, "-Xss1m", "-cp", str(jar), "nu.validator.servlet.Main", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                self.errors("<!doctype html><html lang=en><title>t</title></html>")
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("The HTML checker did not start") from None
                time.sleep(0.3)

    def errors(self, html: str) -> list[str]:
        """The checker's error messages for a document (warnings are not errors)."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/?out=json",
            data=html.encode("utf-8"),
            headers={"Content-Type": "text/html; charset=utf-8"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            messages = json.load(response)["messages"]
        return [
            f"line {m.get('lastLine')}: {m.get('message')} [{m.get('extract', '').strip()[:120]}]"
            for m in messages
            if m.get("type") == "error" or (m.get("type") == "non-document-error")
        ]

    def assert_valid(self, html: str, label: str = "page"):
        errors = self.errors(html)
        assert not errors, f"{label} is not valid HTML:\n" + "\n".join(errors)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
