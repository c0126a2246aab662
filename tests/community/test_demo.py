from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from community.models import Building, Grid
from tests.signing_in import authenticator_code


@pytest.mark.django_db
def test_demo_content_loads_twice_without_duplicates(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("load_demo")
    counts = (Grid.objects.count(), Building.objects.count(), get_user_model().objects.count())
    call_command("load_demo")
    assert (Grid.objects.count(), Building.objects.count(), get_user_model().objects.count()) == counts
    assert counts[0] >= 4 and counts[1] >= 50


@pytest.mark.django_db
def test_the_demo_staff_account_can_log_in_with_the_printed_password(settings, tmp_path, client, capsys):
    settings.DATA_DIR = tmp_path
    call_command("load_demo")
    output = capsys.readouterr().out
    line = next(line for line in output.splitlines() if line.strip().startswith("staff "))
    password = line.split()[1]
    response = client.post("/accounts/login/", {"username": "staff", "password": password})
    assert response.status_code == 302
    assert get_user_model().objects.get(username="staff").is_staff


@pytest.mark.django_db
def test_demo_messages_are_dated_with_their_story_and_only_the_latest_step_is_unread(settings, tmp_path):
    from community.models import Notification
    from wishes.models import Wish

    settings.DATA_DIR = tmp_path
    call_command("load_demo")
    resident = get_user_model().objects.get(username="resident")
    for message in Notification.objects.for_user(resident).unread().filter(url__startswith="/wishes/"):
        wish = Wish.objects.get(pk=int(message.url.strip("/").split("/")[1]))
        # An unread message is the last word on its wish: a finished wish asks nothing more of her.
        assert "确认" not in message.title or wish.status == Wish.Status.FULFILLED, (message.title, wish.status)
    spread = {message.created.date() for message in Notification.objects.filter(url__startswith="/wishes/")}
    assert len(spread) > 3
    # The resolved whistle's story (rated by her) asks nothing more of her either.
    whistle_messages = Notification.objects.for_user(resident).filter(url__startswith="/whistles/")
    assert whistle_messages.exists() and not whistle_messages.unread().filter(title__contains="评价").exists()
    assert len({message.created.date() for message in whistle_messages}) > 1


@pytest.mark.django_db
def test_each_demo_account_finds_its_work_waiting_on_its_workbench(settings, tmp_path):
    """A newcomer clicking through the demo sees every queue with something in it."""
    from community.contributions import waiting_for

    settings.DATA_DIR = tmp_path
    call_command("load_demo")
    users = get_user_model().objects

    def labels(username):
        return {queue.label for queue in waiting_for(users.get(username=username))}

    assert {
        "待审核的心愿",
        "待处理的问题反映",
        "有单位逾期未报到的红哨子",
        "待审核的志愿者申请",
        "等我确认的预约",
    } <= labels("staff")
    assert {"待处理的问题反映", "等我确认的住址"} <= labels("gridworker")
    assert "申请入队的志愿者" in labels("leader")
    assert "等我确认的预约" in labels("stationleader")
    assert "我认领、还没实现的心愿" in labels("volunteer")
    assert {"呼叫我单位的红哨子", "我认领、还没实现的心愿"} <= labels("partner")
    assert any("预约" in label for label in labels("resident"))


@pytest.mark.django_db
def test_the_grid_worker_finds_reports_from_his_own_grids_first(settings, tmp_path):
    from community.contributions import waiting_for

    settings.DATA_DIR = tmp_path
    call_command("load_demo")
    gridworker = get_user_model().objects.get(username="gridworker")
    reports = next(queue for queue in waiting_for(gridworker) if queue.label == "待处理的问题反映")
    first_line = reports.items[0][0]
    own_streets = ("团结巷", "人民街", "朝阳路")
    assert any(street in first_line for street in own_streets), first_line


@pytest.mark.django_db
def test_the_demo_agrees_with_itself(settings, tmp_path):
    """Households as the articles say, a wish answered 还没有解决, and each call's message naming the whistle's
    own deadline."""
    from django.db.models import Sum

    from news.models import Article
    from whistles.models import Whistle, deadline_text
    from wishes.models import Wish

    settings.DATA_DIR = tmp_path
    call_command("load_demo")
    households = Building.objects.aggregate(n=Sum("households"))["n"]
    assert 3600 <= households < 3700
    assert Article.objects.filter(body__contains="3600多户").exists()
    not_done = Wish.objects.get(title="阳台晾衣架摇不动了")
    assert not_done.status == Wish.Status.CLAIMED and not_done.fulfilled_at is None
    assert not_done.transitions.filter(note__startswith="还没有解决").exists()
    from community.models import Notification

    for whistle in Whistle.objects.all():
        messages = Notification.objects.filter(url=whistle.get_absolute_url(), title__startswith="红哨子：请在")
        assert messages.exists()
        for message in messages:
            assert deadline_text(whistle.report_in_by) in message.title, (message.title, whistle.report_in_by)


@pytest.mark.django_db
def test_loading_over_an_older_demo_adds_what_it_lacked(settings, tmp_path):
    """A developer's database from an earlier demo gets the newer stories on the next make run."""
    from whistles.models import Whistle

    settings.DATA_DIR = tmp_path
    call_command("load_demo")
    first_worker = get_user_model().objects.get(username="gridworker")
    Grid.objects.update(grid_worker=first_worker)  # the older demo had one grid worker for all grids
    Whistle.objects.filter(title="清理人民街6栋二单元楼道堆放物").delete()
    call_command("load_demo")
    assert Whistle.objects.filter(title="清理人民街6栋二单元楼道堆放物").count() == 1
    assert Grid.objects.get(name="第三网格").grid_worker.username == "gridworker2"
    assert Grid.objects.get(name="第一网格").grid_worker == first_worker


@pytest.mark.django_db
def test_the_logins_file_gives_the_authenticator_and_recovery_codes_of_staff_who_need_one(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("load_demo")
    call_command("load_demo")  # the same authenticator and codes the second time
    lines = (tmp_path / "demo-logins.txt").read_text(encoding="utf-8").splitlines()
    passwords = dict(line.split(" ", 1) for line in lines if not line.startswith("#"))
    uris = {line.split()[1]: line.split()[3] for line in lines if " 两步验证 " in line}
    codes = {line.split()[1]: line.split()[3:] for line in lines if " 恢复码 " in line}
    assert set(uris) == set(codes) == {"staff", "gridworker", "gridworker2", "partyoffice"}  # not the editor
    assert all(len(c) == 10 for c in codes.values())

    for username in ("staff", "gridworker"):
        client = Client()
        client.post(reverse("login"), {"username": username, "password": passwords[username]})
        secret = parse_qs(urlsplit(uris[username]).query)["secret"][0]
        step = client.post(reverse("second_factor_verify"), {"code": authenticator_code(secret)})
        assert step.status_code == 302 and client.get("/admin/").status_code == 200
    client = Client()
    client.post(reverse("login"), {"username": "gridworker2", "password": passwords["gridworker2"]})
    assert client.post(reverse("second_factor_verify"), {"code": codes["gridworker2"][0]}).status_code == 302
