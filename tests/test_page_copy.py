"""Each web process's copies, tried for real: of kept pages (community/pagecopy.py) and of sessions and people
(community/signedin.py). Two gunicorn processes on a PostgreSQL server of the test's own; changes are made through
one process or from outside, the other is asked.

No timed assertions: where a notification has to travel, the test asks again until a deadline.
"""

import os
import re
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.community.test_outage import free_port
from tests.dedicated_postgres import DedicatedPostgres
from tests.test_scale_out import ROOT

SETUP = """
from datetime import timedelta
from django.utils import timezone
from community.models import Building, Grid, User
from wishes.models import Wish
grid = Grid.objects.create(name="第一网格", order=1)
building = Building.objects.create(name="团结巷3栋", grid=grid, households=50, order=1)
resident = User.objects.create_user("13800001111", password="x-Jiangbin-2026", display_name="王秀英")
staff = User.objects.create_user("staff", password="x-Jiangbin-2026", display_name="刘晓燕", is_staff=True,
                                 is_superuser=True)
wish = Wish.submit(by=resident, title="需要一袋大米", description="腿脚不便，想请人帮忙买米。", category="goods",
                   building=building, needed_by=timezone.localdate() + timedelta(days=7),
                   contact_phone="13800001111", contact_address="团结巷3栋2单元401")
wish.publish(by=staff)
"""
PUBLISH = """
from datetime import timedelta
from django.utils import timezone
from community.models import Building, User
from wishes.models import Wish
staff = User.objects.get(username="staff")
resident = User.objects.create_user({username!r}, display_name="李建国")  # a resident may have 3 open wishes
wish = Wish.submit(by=resident, title={title!r}, description="想请人帮忙。", category="goods",
                   building=Building.objects.get(), needed_by=timezone.localdate() + timedelta(days=7),
                   contact_phone="13800002222", contact_address="团结巷3栋1单元101")
wish.publish(by=staff)
"""
# A session for a person, as signing in makes one; prints its key.
SIGN_IN = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from community.models import User
from community.signedin import SessionStore
user = User.objects.get(username={username!r})
session = SessionStore()
session.update({{SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: "community.backends.LoginNameBackend",
                HASH_SESSION_KEY: user.get_session_auth_hash()}})
session.create()
print("SESSION=" + session.session_key)
"""
# Headers a response has for itself, not for the page.
OWN_HEADERS = {"date", "x-page-cache", "server"}


def publish(shell, title):
    """A new wish on the wall, published from outside both workers (its own process)."""
    shell(PUBLISH.format(title=title, username=f"resident-{abs(hash(title))}"))


def drop_listeners(shell):
    """End every worker's listening connection from outside, as a restart or a network cut would."""
    shell(
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        '    c.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity'
        " WHERE application_name = 'page-copy-listener'\")\n"
    )


def end_session(shell, key):
    """The session's row goes, as signing out (through any worker, or everywhere by staff) does."""
    shell(f"from django.contrib.sessions.models import Session; Session.objects.filter(session_key={key!r}).delete()")


def get(base, path, headers=None):
    request = urllib.request.Request(base + path, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, dict(response.headers.items()), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers.items()), error.read().decode()


def until(condition, seconds=20):
    """Ask ``condition()`` again until it holds, or fail at the deadline."""
    deadline = time.monotonic() + seconds
    while not (result := condition()):
        assert time.monotonic() < deadline, "not within the deadline"
        time.sleep(0.1)
    return result


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    root = tmp_path_factory.mktemp("page-copy")
    database = DedicatedPostgres(root)
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE")},
        "DATABASE_URL": database.url,
        "DATA_DIR": str(root / "data"),
        "DEBUG": "1",
        "PAGE_CACHE_HEADER": "1",
        "PAGE_COPY": "1",
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    subprocess.run([sys.executable, "manage.py", "shell", "-c", SETUP], cwd=ROOT, env=env, check=True, timeout=120)
    servers, bases = [], []
    for name in ("a", "b"):
        port = free_port()
        servers.append(
            subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "community.wsgi", "-w", "1", "-b", f"127.0.0.1:{port}"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=open(root / f"gunicorn-{name}.log", "w"),  # noqa: SIM115 -- open as long as it runs
            )
        )
        bases.append(f"http://127.0.0.1:{port}")
    for base in bases:
        until(lambda base=base: _answers(base), seconds=60)

    def shell(code):
        return subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=120,
            capture_output=True,
            text=True,
        ).stdout

    yield bases, database, shell
    for server in servers:
        server.terminate()
        server.wait(10)
    database.destroy()


def _answers(base):
    try:
        return get(base, "/healthz")[0] == 200
    except OSError:
        return False


def copied(base, path):
    """The page from ``base``'s copy of it (asking until it comes from there)."""
    return until(lambda: (page := get(base, path))[1].get("X-Page-Cache") == "copy" and page)


def test_a_change_made_through_one_worker_is_seen_by_the_other(portal):
    (a, b), _database, shell = portal
    copied(b, "/wishes/")
    publish(shell, "想请人帮忙修收音机")
    # The other worker serves the new wall as soon as the notification reached it: asked until a deadline.
    status, headers, page = until(lambda: "想请人帮忙修收音机" in (found := get(b, "/wishes/"))[2] and found)
    assert status == 200
    assert "想请人帮忙修收音机" in copied(b, "/wishes/")[2]  # and the new page is then the one it keeps
    assert "想请人帮忙修收音机" in get(a, "/wishes/")[2]


def test_a_hit_from_the_copy_carries_every_header_of_the_page_as_built(portal):
    (_a, b), _database, shell = portal
    publish(shell, "想找人陪同去医院复查")  # the wall changes: its next build is a miss
    status, built, page = until(lambda: (found := get(b, "/wishes/"))[1].get("X-Page-Cache") == "miss" and found)
    status, hit, same = copied(b, "/wishes/")
    assert status == 200 and same == page
    assert {k.lower(): v for k, v in hit.items() if k.lower() not in OWN_HEADERS} == {
        k.lower(): v for k, v in built.items() if k.lower() not in OWN_HEADERS
    }
    for header in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "ETag", "X-Frame-Options"):
        assert header in hit, header
    # A browser that has the page is told so from the copy too.
    status, _headers, body = get(b, "/wishes/", headers={"If-None-Match": hit["ETag"]})
    assert status == 304 and body == ""


def test_a_worker_whose_channel_dropped_serves_no_stale_page(portal):
    (_a, b), database, shell = portal
    copied(b, "/wishes/")
    drop_listeners(shell)
    publish(shell, "想请人帮忙换灯泡")  # heard by nobody: every listener is gone
    status, headers, page = get(b, "/wishes/")
    assert headers.get("X-Page-Cache") != "copy"
    assert status == 200 and "想请人帮忙换灯泡" in page
    # Listening again a few seconds later, it keeps pages again, and still the current ones.
    status, headers, page = copied(b, "/wishes/")
    assert "想请人帮忙换灯泡" in page


# --- Sessions and people --------------------------------------------------------------------------------


def signed_in_cookie(shell, username="13800001111"):
    key = next(line for line in shell(SIGN_IN.format(username=username)).splitlines() if line.startswith("SESSION="))
    return {"Cookie": "sessionid=" + key.removeprefix("SESSION=")}, key.removeprefix("SESSION=")


def known_from_copy(base, cookie, path="/me/"):
    """The page, once ``base`` knew the session and the person from its copy (asking until it did)."""
    return until(lambda: (page := get(base, path, cookie))[1].get("X-Signed-In-Copy") == "session,person" and page)


def signed_in_as(name, page):
    return page[0] == 200 and page[1].get("X-Signed-In-Copy") is not None and name in page[2]


def test_a_session_ended_elsewhere_is_not_served_from_the_copy(portal):
    (a, b), _database, shell = portal
    cookie, key = signed_in_cookie(shell)
    assert signed_in_as("王秀英", known_from_copy(b, cookie))
    end_session(shell, key)
    until(lambda: not signed_in_as("王秀英", get(b, "/me/", cookie)))
    assert not signed_in_as("王秀英", get(a, "/me/", cookie))


def test_a_changed_password_or_a_closed_account_ends_the_kept_sessions(portal):
    (_a, b), _database, shell = portal
    cookie, _key = signed_in_cookie(shell)
    known_from_copy(b, cookie)
    shell(
        "from community.models import User\nu = User.objects.get(username='13800001111')\n"
        "u.set_password('y-Jiangbin-2027'); u.save()"
    )
    until(lambda: not signed_in_as("王秀英", get(b, "/me/", cookie)))
    cookie, _key = signed_in_cookie(shell)  # signed in again, with the new password
    known_from_copy(b, cookie)
    shell("from community.models import User; User.objects.filter(username='13800001111').update(is_active=False)")
    until(lambda: not signed_in_as("王秀英", get(b, "/me/", cookie)))
    shell("from community.models import User; User.objects.filter(username='13800001111').update(is_active=True)")


def unread(page):
    found = re.search(r"(\d+) 条未读消息", page)
    return int(found.group(1)) if found else 0


def test_a_new_notification_shows_in_the_header_of_the_other_worker(portal):
    (_a, b), _database, shell = portal
    cookie, _key = signed_in_cookie(shell)
    before = unread(known_from_copy(b, cookie, "/wishes/")[2])
    shell(
        "from community.models import User\nfrom community.notifications import notify\n"
        "notify(User.objects.get(username='13800001111'), '您的心愿已被认领')"
    )
    until(lambda: unread(get(b, "/wishes/", cookie)[2]) == before + 1)
    assert unread(known_from_copy(b, cookie, "/wishes/")[2]) == before + 1  # and kept again, with the new count


def test_a_worker_whose_channel_dropped_reads_sessions_from_postgresql(portal):
    (_a, b), _database, shell = portal
    cookie, key = signed_in_cookie(shell)
    known_from_copy(b, cookie)
    drop_listeners(shell)
    end_session(shell, key)
    # Heard by nobody; the worker finds the channel down and asks PostgreSQL.
    assert not signed_in_as("王秀英", get(b, "/me/", cookie))
    cookie, _key = signed_in_cookie(shell)
    assert signed_in_as("王秀英", known_from_copy(b, cookie))  # listening again, it keeps them again
