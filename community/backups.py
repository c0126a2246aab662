"""Where backups find the database and the PostgreSQL client tools."""

import os
import shutil
from urllib.parse import quote

from django.conf import settings
from django.core.management.base import CommandError


def database_url():
    """A libpq URI for the default database (works for TCP hosts and Unix sockets)."""
    db = settings.DATABASES["default"]
    user = quote(db.get("USER") or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    credentials = f"{user}{password}@" if user else ""
    host = quote(db.get("HOST") or "", safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgresql://{credentials}{host}{port}/{quote(db['NAME'], safe='')}"


def postgres_tool(name):
    """pg_dump/pg_restore: $PG_BIN_DIR, else the embedded server's own (when it is used), else PATH.

    The tool must be at least as new as the server; the embedded server ships
    its own, and production should have the client of its server's version.
    """
    if os.environ.get("PG_BIN_DIR"):
        return os.path.join(os.environ["PG_BIN_DIR"], name)
    if settings.EMBEDDED_DATABASE:
        try:
            from pgserver._commands import POSTGRES_BIN_PATH

            return str(POSTGRES_BIN_PATH / name)
        except ImportError:
            pass
    found = shutil.which(name)
    if not found:
        raise CommandError(f"{name} not found: install the PostgreSQL client (e.g. apt-get install postgresql-client)")
    return found
