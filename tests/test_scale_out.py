"""Scale-out when its parts fail, tried for real: the portal under gunicorn, on a PostgreSQL primary of its own
with a streaming replica made by pg_basebackup; the test stops the replica, pauses its replay and stops the
primary, and looks at what people see. (Redis failing: tests/community/test_redis_outage.py.)
"""

import html
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from tests.community.test_outage import free_port
from tests.dedicated_postgres import DedicatedPostgres, Standby
from tests.signing_in import authenticator_code

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "Jiangbin-2026!"
SETUP = f"""
from datetime import timedelta
from django.utils import timezone
from community.models import Building, Grid, User
from wishes.models import Wish
grid = Grid.objects.create(name="第一网格", order=1)
building = Building.objects.create(name="团结巷3栋", grid=grid, households=50, order=1)
resident = User.objects.create_user("13800001111", password="{PASSWORD}", display_name="王秀英")
User.objects.create_user("13800002222", password="{PASSWORD}", display_name="李建国")
staff = User.objects.create_user("staff", password="{PASSWORD}", display_name="刘晓燕", is_staff=True, is_superuser=True)
wish = Wish.submit(by=resident, title="需要一袋大米", description="腿脚不便，想请人帮忙买米。", category="goods",
                   building=building, needed_by=timezone.localdate() + timedelta(days=7),
                   contact_phone="13800001111", contact_address="团结巷3栋2单元401")
wish.publish(by=staff)
"""


class Browser:
    """One person's browser: its own cookies, forms sent with their CSRF token, redirects followed."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path):
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path, data, *, form_from=None):
        page = self.get(form_from or path)[1]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **data}).encode()
        return self._open(urllib.request.Request(self.base + path, data=body))

    def sign_in(self, username):
        status, page = self.post("/accounts/login/", {"username": username, "password": PASSWORD})
        if "otp-key" in page:  # an administrator sets up the authenticator first
            key = html.unescape(re.search(r'class="otp-key">([^<]+)<', page).group(1))
            status, page = self.post("/accounts/second-step/set-up/", {"code": authenticator_code(key)})
            assert "恢复码" in page, page[:500]
            status, page = self.get("/me/")
        assert status == 200 and "您好" in page, page[:500]

    def _open(self, request):
        try:
            with self.opener.open(request, timeout=20) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    root = tmp_path_factory.mktemp("scale-out")
    primary = DedicatedPostgres(root)
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE")},
        "DATABASE_URL": primary.url,
        "DATA_DIR": str(root / "data"),
        "DEBUG": "1",
        "PAGE_CACHE_HEADER": "1",
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    subprocess.run([sys.executable, "manage.py", "shell", "-c", SETUP], cwd=ROOT, env=env, check=True, timeout=120)
    standby = Standby(primary, root)
    env |= {
        "DATABASE_REPLICA_URL": standby.url,
        "DATABASE_REPLICA_CHECK_SECONDS": "0",
        "DATABASE_REPLICA_MAX_LAG_SECONDS": "30",
        "PRIMARY_RETRY_SECONDS": "1",
        "DB_CONNECT_TIMEOUT": "1",
    }
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "community.wsgi", "-w", "1", "-b", f"127.0.0.1:{port}", "--timeout", "60"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(root / "gunicorn.log", "w"),  # noqa: SIM115 -- open as long as the server runs
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if Browser(base).get("/healthz")[0] == 200:
                break
        except urllib.error.URLError:
            pass  # not listening yet
        assert time.monotonic() < deadline, "the portal did not start"
        time.sleep(0.2)
    yield base, primary, standby
    server.terminate()
    server.wait(10)
    standby.destroy()
    primary.destroy()


def readiness(base):
    import json

    status, body = Browser(base).get("/readyz")
    return status, json.loads(body)


def wait_for(condition, seconds=20):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.2)


def test_with_the_replica_stopped_every_page_is_read_from_the_primary(portal):
    base, _primary, standby = portal
    resident = Browser(base)
    resident.sign_in("13800001111")
    assert readiness(base)[1]["replica"] == "ok"
    standby.stop()
    try:
        status, page = resident.get("/wishes/mine/")
        assert status == 200 and "需要一袋大米" in page
        status, page = Browser(base).get("/wishes/?category=goods&utm=share")  # not kept: read, not cached
        assert status == 200 and "需要一袋大米" in page
        status, report = readiness(base)
        assert status == 200 and report["replica"] == "down"
    finally:
        standby.start()
    wait_for(lambda: readiness(base)[1]["replica"] == "ok")


def test_while_the_replica_lags_people_see_their_own_changes_and_no_link_leads_nowhere(portal):
    """Replay paused for a minute: longer than the old fixed 10-second window, longer than the allowed lag."""
    base, _primary, standby = portal
    resident, volunteer, staff = Browser(base), Browser(base), Browser(base)
    resident.sign_in("13800001111")
    volunteer.sign_in("13800002222")
    staff.sign_in("staff")
    standby.pause_replay()
    paused = time.monotonic()
    try:
        status, page = resident.post(
            "/wishes/new/",
            {
                "title": "想学用手机视频通话",
                "category": "tutoring",
                "description": "孙女在外地，想学会视频通话。",
                "needed_by": time.strftime("%Y-%m-%d", time.localtime(time.time() + 10 * 86400)),
                "building": "1",
                "contact_phone": "13800001111",
                "contact_address": "团结巷3栋2单元401",
            },
        )
        assert status == 200 and "想学用手机视频通话" in page
        new = int(re.search(r'href="/wishes/(\d+)/edit/"', page).group(1))
        status, _page = staff.post(f"/wishes/{new}/publish/", {}, form_from=f"/wishes/{new}/")
        assert status == 200
        # The wall kept for everyone is built from the primary and links to the new wish: the link opens
        # for a signed-in volunteer, whose pages the lagging replica serves.
        assert f"/wishes/{new}/" in Browser(base).get("/wishes/")[1]
        assert readiness(base)[1]["replica"] == "ok"
        status, page = volunteer.get(f"/wishes/{new}/")
        assert status == 200 and "想学用手机视频通话" in page

        time.sleep(max(0, paused + 12 - time.monotonic()))  # past the old 10-second window
        status, page = resident.get("/wishes/mine/")
        assert status == 200 and "想学用手机视频通话" in page  # her own wish, whatever the lag
        # Further behind than DATABASE_REPLICA_MAX_LAG_SECONDS (30 s): the replica is left out altogether.
        wait_for(lambda: readiness(base)[1]["replica"] == "lagging", seconds=40)
        status, page = volunteer.get("/wishes/?category=tutoring")
        assert status == 200 and "想学用手机视频通话" in page
        time.sleep(max(0, paused + 60 - time.monotonic()))
        assert "想学用手机视频通话" in resident.get("/wishes/mine/")[1]
    finally:
        standby.resume_replay()
    wait_for(lambda: readiness(base)[1]["replica"] == "ok")
    assert "想学用手机视频通话" in volunteer.get("/wishes/?category=tutoring")[1]  # and from the replica again


def test_with_the_primary_stopped_pages_are_read_only_and_a_change_shows_back_what_was_typed(portal):
    base, primary, _standby = portal
    resident = Browser(base)
    resident.sign_in("13800001111")
    wait_for(lambda: readiness(base)[1]["replica"] == "ok")
    form = resident.get("/wishes/new/")[1]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    primary.stop()
    try:
        for who, path in ((Browser(base), "/"), (Browser(base), "/wishes/"), (resident, "/wishes/mine/")):
            status, page = who.get(path)
            assert status == 200, (path, page[:300])
            assert "系统维护中，暂时只能浏览" in page
        assert "需要一袋大米" in resident.get("/wishes/mine/")[1]  # signed in, from the replica
        body = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "title": "楼道灯坏了", "description": "三楼的灯不亮了，晚上看不见。"}
        ).encode()
        status, page = resident._open(urllib.request.Request(base + "/wishes/new/", data=body))
        assert status == 503 and "三楼的灯不亮了，晚上看不见。" in page and "Traceback" not in page
        assert Browser(base).get("/healthz")[0] == 200
        status, report = readiness(base)
        assert status == 503 and report["primary"] == "down"
    finally:
        primary.start()
    wait_for(lambda: readiness(base)[0] == 200)
    time.sleep(1.1)  # PRIMARY_RETRY_SECONDS: the worker tries the primary again
    status, page = resident.get("/")
    assert status == 200 and "系统维护中" not in page
