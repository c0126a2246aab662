import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from community.models import Building, Grid


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
