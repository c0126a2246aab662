"""Real servers for the tests of parts failing: a Redis on a private socket (more to come).

Each is started by the test that needs it, in a temporary folder, and can be
stopped, hung (SIGSTOP, as a frozen machine) and resumed, and restarted with
the data it saved, as a real outage and recovery would go.
"""

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import redis


class RedisServer:
    def __init__(self, folder):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.socket = self.folder / "redis.sock"
        self.process = None

    @property
    def url(self):
        return f"unix://{self.socket}?db=0"

    def start(self):
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is missing: make test installs it (apt-get install redis-server)")
        self.process = subprocess.Popen(
            [
                binary,
                "--port", "0",
                "--unixsocket", str(self.socket),
                "--unixsocketperm", "700",
                "--dir", str(self.folder),
                "--dbfilename", "saved.rdb",
                "--save", "",
                "--appendonly", "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if self.client().ping():
                    return self
            except (redis.RedisError, OSError):
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def client(self):
        return redis.Redis(unix_socket_path=str(self.socket), socket_timeout=2)

    def save_and_stop(self):
        """Save the data to disk (as Redis does from time to time) and stop: a crash after its last save."""
        self.client().save()
        self.stop()

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.socket.exists():
            self.socket.unlink()

    def hang(self):
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self):
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGCONT)
