"""Where backups find the database and the PostgreSQL client tools."""

import contextlib
import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connections


def database_url():
    """A libpq URI for the default database (works for TCP hosts and Unix sockets)."""
    db = settings.DATABASES["default"]
    user = quote(db.get("USER") or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    credentials = f"{user}{password}@" if user else ""
    host = quote(db.get("HOST") or "", safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgresql://{credentials}{host}{port}/{quote(db['NAME'], safe='')}"


def server_major_version():
    """The PostgreSQL server's major version (16 for 16.4)."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version_num')::int / 10000")
        return cursor.fetchone()[0]


def tool_major_version(path):
    """The major version of a client tool ("pg_dump (PostgreSQL) 16.4" → 16), or None if it does not run."""
    try:
        result = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=10)
    except OSError:
        return None
    found = re.search(r"\) (\d+)", result.stdout)
    return int(found.group(1)) if result.returncode == 0 and found else None


def _candidates(name):
    """Where a client tool may be: $PG_BIN_DIR, the embedded server's own, Debian's versioned folders, PATH."""
    if os.environ.get("PG_BIN_DIR"):
        yield os.path.join(os.environ["PG_BIN_DIR"], name)
    with contextlib.suppress(ImportError):
        from pgserver._commands import POSTGRES_BIN_PATH  # noqa: PLC0415 -- optional: development only

        yield str(POSTGRES_BIN_PATH / name)
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        yield str(folder / name)
    if shutil.which(name):
        yield shutil.which(name)


def postgres_tool(name, *, server=None):
    """pg_dump/pg_restore of the server's major version or newer (an older one refuses to dump a newer server).

    The first that fits among $PG_BIN_DIR, the embedded server's own tools,
    /usr/lib/postgresql/*/bin and PATH; if none does, the error names the
    package to install.
    """
    server = server if server is not None else server_major_version()
    seen = []
    for path in _candidates(name):
        version = tool_major_version(path)
        if version is not None and version >= server:
            return path
        seen.append(f"{path} ({version or 'not runnable'})")
    raise CommandError(
        f"No {name} for PostgreSQL {server} or newer (found: {', '.join(seen) or 'none'}). "
        f"Install it, e.g. apt-get install postgresql-client-{server}, or set PG_BIN_DIR."
    )
