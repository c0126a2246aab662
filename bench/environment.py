"""Where and how ``make bench`` runs: its own database, and the production settings of every step.

``python -m bench.environment FILE [--reseed]`` (the Makefile runs it first)
makes sure the benchmark's database exists, dropping it first with
``--reseed``, and writes FILE: shell assignments that the Makefile sources
before each step (migrate, seed, collectstatic, run_jobs, gunicorn, the
measurements), so that they all see the same settings:

- ``DEBUG=0``, a fresh ``SECRET_KEY``, ``ALLOWED_HOSTS=127.0.0.1,localhost``;
- ``HTTPS=1`` behind a TLS proxy (``SECURE_PROXY_SSL_HEADER=1``): secure
  cookies, HSTS and the HTTPS redirect are on, and requests say
  ``X-Forwarded-Proto: https`` as the proxy would;
- ``DATABASE_URL``: ``community_bench`` on the embedded server, never the
  demo's ``community`` database, or the database ``BENCH_DATABASE_URL`` names;
- static files, media and results in ``.data/bench/``.
"""

import argparse
import os
import secrets
import shlex
import shutil
from pathlib import Path
from urllib.parse import urlsplit

from community.embedded_postgres import embedded_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
DATABASE_NAME = "community_bench"


def bench_dir() -> Path:
    return Path(os.environ.get("DATA_DIR", BASE_DIR / ".data")) / "bench"


def database_url(*, reseed=False) -> str:
    """The benchmark database's URL; the database is created if missing (and dropped first if ``reseed``)."""
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        name = urlsplit(url).path.lstrip("/")
        maintenance = urlsplit(url)._replace(path="/postgres").geturl()
    else:
        pgdata = Path(os.environ.get("DATA_DIR", BASE_DIR / ".data")) / "pg"
        name = DATABASE_NAME
        url = embedded_database_url(pgdata, name)
        maintenance = embedded_database_url(pgdata, "postgres")
    _ensure_database(maintenance, name, reseed=reseed)
    return url


def _ensure_database(maintenance_url, name, *, reseed):
    import psycopg
    from psycopg import sql

    with psycopg.connect(maintenance_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and reseed:
            if "bench" not in name:
                raise SystemExit(f"Refusing to drop database {name!r}: a benchmark database's name contains 'bench'.")
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = None
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def production_environment(url) -> dict[str, str]:
    folder = bench_dir()
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": url,
        "SECURE_PROXY_SSL_HEADER": "1",
        "HTTPS": "1",
        "STATIC_ROOT": str(folder / "static"),
        "MEDIA_ROOT": str(folder / "media"),
        "PRIVATE_MEDIA_ROOT": str(folder / "private-media"),
        "BENCH_DIR": str(folder),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, help="where to write the shell assignments")
    parser.add_argument("--reseed", action="store_true", help="drop the benchmark database (and its photos) first")
    args = parser.parse_args()
    folder = bench_dir()
    if args.reseed:
        for name in ("media", "private-media"):
            shutil.rmtree(folder / name, ignore_errors=True)
    environment = production_environment(database_url(reseed=args.reseed))
    folder.mkdir(parents=True, exist_ok=True)
    args.file.parent.mkdir(parents=True, exist_ok=True)
    args.file.write_text("".join(f"export {key}={shlex.quote(value)}\n" for key, value in environment.items()))
    args.file.chmod(0o600)
    print(f"Benchmark database: {urlsplit(environment['DATABASE_URL']).path.lstrip('/')}; settings in {args.file}")


if __name__ == "__main__":
    main()
