"""Surviving a database outage: friendly 503s while PostgreSQL is down, recovery without a restart.

The test runs the portal in its own process against a PostgreSQL server of
its own, stops that server, and starts it again.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.dedicated_postgres import DedicatedPostgres

ROOT = Path(__file__).resolve().parents[2]


def fetch(url, timeout=10):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def portal(tmp_path):
    database = DedicatedPostgres(tmp_path)
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DATABASE_URL": database.url,
        "DATA_DIR": str(tmp_path / "data"),
        "DEBUG": "1",
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if fetch(f"{base}/healthz", timeout=2)[0] == 200:
                break
        except OSError:
            pass
        assert time.monotonic() < deadline, "the portal did not start"
        time.sleep(0.2)
    yield base, database
    server.terminate()
    server.wait(10)
    database.destroy()


def test_pages_answer_503_while_the_database_is_down_and_recover_when_it_is_back(portal):
    base, database = portal
    assert fetch(f"{base}/")[0] == 200
    assert fetch(f"{base}/news/")[0] == 200

    database.stop()
    for path in ("/", "/news/", "/sitemap.xml", "/news/search/?q=%E7%A4%BE%E5%8C%BA"):
        started = time.monotonic()
        status, headers, body = fetch(f"{base}{path}")
        assert time.monotonic() - started < 5, f"{path} hung"
        assert status == 503, path
        assert headers.get("Retry-After") == "30"
        assert "服务暂时不可用" in body and "Traceback" not in body
    status, _headers, body = fetch(f"{base}/readyz")
    assert status == 503 and '"primary": "down"' in body
    assert fetch(f"{base}/healthz")[0] == 200  # the process lives: the load balancer keeps it

    database.start()
    assert fetch(f"{base}/readyz")[0] == 200
    assert fetch(f"{base}/")[0] == 200
    assert fetch(f"{base}/news/")[0] == 200
