"""A PostgreSQL server of a test's own (not the suite's), that the test may stop and start."""

import os
import shutil
import subprocess
import warnings
from pathlib import Path
from urllib.parse import quote


class DedicatedPostgres:
    def __init__(self, root: Path):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import pgserver
            from pgserver._commands import pg_ctl

        self._pg_ctl = pg_ctl
        self.pgdata = root / "pg"
        self.pgdata.mkdir(parents=True)
        self.user = "pgserver" if os.geteuid() == 0 else None
        self.server = pgserver.get_server(self.pgdata, cleanup_mode=None)
        self.socket_dir = str(self.server.get_postmaster_info().socket_dir)
        self.server.psql("CREATE DATABASE community;")

    @property
    def url(self):
        return f"postgres://postgres@{quote(self.socket_dir, safe='')}/community"

    def stop(self):
        self._pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.pgdata, user=self.user)

    def start(self):
        self._pg_ctl(
            ["-w", "-o", '-h ""', "-o", f"-k {self.socket_dir}", "-l", str(self.pgdata / "log"), "start"],
            pgdata=self.pgdata,
            user=self.user,
        )

    def destroy(self):
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass  # already stopped
        shutil.rmtree(self.pgdata, ignore_errors=True)


class Standby:
    """A streaming replica of a DedicatedPostgres, made with its own pg_basebackup, that a test may stop,
    start, and pause (a replica that lags as long as the test wants)."""

    def __init__(self, primary: DedicatedPostgres, root: Path):
        from pgserver._commands import pg_basebackup

        self.primary = primary
        self.pgdata = root / "standby"
        self.socket_dir = str(root / "standby-socket")
        for folder in (self.pgdata, Path(self.socket_dir)):
            folder.mkdir(mode=0o700, parents=True)
            if primary.user:
                shutil.chown(folder, primary.user, primary.user)
        pg_basebackup(
            ["-D", str(self.pgdata), "-R", "-X", "stream", "-c", "fast", "-h", primary.socket_dir, "-U", "postgres"],
            user=primary.user,
        )
        self.start()

    @property
    def url(self):
        return f"postgres://postgres@{quote(self.socket_dir, safe='')}/community"

    def start(self):
        self.primary._pg_ctl(
            ["-w", "-o", '-h ""', "-o", f"-k {self.socket_dir}", "-l", str(self.pgdata / "log"), "start"],
            pgdata=self.pgdata,
            user=self.primary.user,
        )

    def stop(self):
        self.primary._pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.pgdata, user=self.primary.user)

    def sql(self, statement):
        from pgserver._commands import psql

        return psql(
            ["-h", self.socket_dir, "-U", "postgres", "-d", "community", "-Atc", statement], user=self.primary.user
        )

    def pause_replay(self):
        self.sql("SELECT pg_wal_replay_pause()")

    def resume_replay(self):
        self.sql("SELECT pg_wal_replay_resume()")

    def destroy(self):
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass  # already stopped
        shutil.rmtree(self.pgdata, ignore_errors=True)
