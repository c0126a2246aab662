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
