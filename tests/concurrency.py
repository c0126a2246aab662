"""Helpers for tests that race real database connections (one per thread)."""

import threading
import time

from django.db import connection, connections

DEADLINE_SECONDS = 20


def run_together(*actions):
    """Run each action in its own thread (its own connection), all released at the same moment.

    Returns each action's result or the exception it raised, in order.
    """
    barrier = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait()
            results[index] = action()
        except Exception as error:  # the caller looks at refusals
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index, action)) for index, action in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def start(action):
    """Run ``action`` in a thread of its own (its own connection); returns the thread and a dict of its outcome."""
    outcome = {}

    def run():
        try:
            outcome["result"] = action()
        except Exception as error:
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def wait_until_a_connection_waits_for_a_lock():
    """Poll PostgreSQL's lock table until some other connection waits for a lock (or give up at the deadline)."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0]:
                return
        time.sleep(0.02)
    raise AssertionError("no connection came to wait for the lock")
