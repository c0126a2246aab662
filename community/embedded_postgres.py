"""The embedded PostgreSQL used when DATABASE_URL is not set (development and tests).

pgserver ships PostgreSQL 16 binaries inside a Python package. The server is
started once, listens only on a Unix socket inside the data folder, and keeps
running after the command that started it, so that the next ``make run`` or
``make test`` reuses the same data. ``make db-stop`` stops it.
"""

import os
import warnings
from pathlib import Path
from urllib.parse import quote

DATABASE_NAME = "community"

# Settings that suit a development server (all reloadable without a restart). synchronous_commit=off loses at most
# the last few transactions on a crash and never corrupts data.
SERVER_SETTINGS = {
    "synchronous_commit": "off",
}


def _running_socket_dir(pgdata: Path):
    """The socket folder of a server that runs on ``pgdata``, or None.

    Reads postmaster.pid directly: cheaper than asking pgserver, which matters
    because every manage.py command and worker start passes through here.
    """
    try:
        lines = (pgdata / "postmaster.pid").read_text().splitlines()
        pid = int(lines[0])
        os.kill(pid, 0)
    except (OSError, ValueError, IndexError):
        return None
    if len(lines) < 8 or lines[7].strip() != "ready" or not lines[4].strip():
        return None
    return lines[4].strip()


def _url(socket_dir: str, database: str) -> str:
    return f"postgres://postgres@{quote(socket_dir, safe='')}/{database}"


def ensure_server(pgdata: Path) -> str:
    """Start the embedded server on ``pgdata`` unless it runs; return its socket folder."""
    pgdata = Path(pgdata).resolve()
    socket_dir = _running_socket_dir(pgdata)
    if socket_dir:
        return socket_dir
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    try:
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset (root, CI); /tmp is fine.
            warnings.simplefilter("ignore")
            import pgserver
    except ImportError as error:  # pragma: no cover - only without make
        raise SystemExit(
            "配置错误（configuration error）：pgserver is not installed; run `make run` or set DATABASE_URL."
        ) from error
    server = pgserver.get_server(pgdata, cleanup_mode=None)
    socket_dir = str(server.get_postmaster_info().socket_dir)
    _configure(socket_dir)
    return socket_dir


def _configure(socket_dir: str) -> None:
    """Create the portal's database and apply SERVER_SETTINGS (idempotent)."""
    import psycopg

    with psycopg.connect(_url(socket_dir, "postgres").replace("postgres://", "postgresql://"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
        for name, value in SERVER_SETTINGS.items():
            conn.execute(f"ALTER SYSTEM SET {name} = '{value}'")
        conn.execute("SELECT pg_reload_conf()")


def embedded_database_url(pgdata: Path, database: str = DATABASE_NAME) -> str:
    """A DATABASE_URL for the embedded server, starting it if needed."""
    return _url(ensure_server(pgdata), database)
