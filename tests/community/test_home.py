"""A resident's home (住址): private, confirmed by the grid worker of its grid, and used by the forms that need it."""

import json

import pytest
from django.urls import reverse

from community.models import ContactView, Home
from tests.factories import PASSWORD, BuildingFactory, GridFactory, StaffFactory, UserFactory
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def grids():
    """Two grids, each with its grid worker and one building."""
    first_worker, second_worker = StaffFactory(groups=["网格员"]), StaffFactory(groups=["网格员"])
    first = BuildingFactory(name="团结巷3栋", grid=GridFactory(name="第一网格", grid_worker=first_worker))
    second = BuildingFactory(name="朝阳路5栋", grid=GridFactory(name="第二网格", grid_worker=second_worker))
    return {"first": (first, first_worker), "second": (second, second_worker)}


def test_a_resident_sets_her_home_and_only_she_staff_and_her_grid_worker_see_it(client, grids):
    building, worker = grids["first"]
    _other_building, other_worker = grids["second"]
    resident = UserFactory()
    sign_in(client, resident)
    response = client.post(reverse("my_home"), {"building": building.pk, "unit": "2单元", "room": "401室"})
    assert response.status_code == 302
    home = Home.objects.get(resident=resident)
    assert home.address == "团结巷3栋2单元401" and home.confirmed_at is None
    assert "团结巷3栋2单元401" in client.get(reverse("me")).text
    for person, sees in ((resident, True), (worker, True), (other_worker, False), (UserFactory(), False)):
        assert Home.objects.visible_to(person).filter(pk=home.pk).exists() == sees


def test_bad_input_keeps_what_was_typed_and_saves_nothing(client, grids):
    building, _worker = grids["first"]
    sign_in(client, UserFactory())
    response = client.post(reverse("my_home"), {"building": building.pk, "unit": "2", "room": "四〇一"})
    assert response.status_code == 200
    assert "房号只能填数字或字母" in response.text and 'value="2"' in response.text
    assert not Home.objects.exists()


def test_the_grid_worker_confirms_homes_in_his_grid_and_the_view_is_recorded(client, grids):
    building, worker = grids["first"]
    _other, other_worker = grids["second"]
    home = Home.set_for(UserFactory(display_name="王秀英"), building=building, unit="2", room="401")
    sign_in(client, other_worker)
    assert "王秀英" not in client.get(reverse("homes_to_confirm")).text
    assert client.post(reverse("confirm_home", kwargs={"pk": home.pk})).status_code == 404
    sign_in(client, worker)
    page = client.get(reverse("homes_to_confirm")).text
    assert "团结巷3栋2单元401" in page
    assert ContactView.objects.filter(subject=home.resident, viewer=worker).count() == 1
    client.post(reverse("confirm_home", kwargs={"pk": home.pk}))
    home.refresh_from_db()
    assert home.confirmed_by == worker and home.confirmed_at
    # A change waits for a new confirmation.
    Home.set_for(home.resident, building=building, unit="2", room="402")
    assert Home.objects.get(pk=home.pk).confirmed_at is None


def test_the_home_is_in_the_download_and_goes_with_the_account(client, grids):
    building, _worker = grids["first"]
    resident = UserFactory()
    Home.set_for(resident, building=building, unit="", room="101")
    sign_in(client, resident)
    assert json.loads(client.get(reverse("my_data")).content)["home"]["address"] == "团结巷3栋101"
    client.post(reverse("delete_account"), {"password": PASSWORD})
    assert not Home.objects.exists()


def test_the_wish_and_report_forms_start_from_the_home_and_the_phone_she_signed_up_with(client, grids):
    building, _worker = grids["first"]
    resident = UserFactory(username="13912345678")
    Home.set_for(resident, building=building, unit="2", room="401")
    sign_in(client, resident)
    wish_form = client.get(reverse("wishes:submit")).context["form"]
    assert wish_form.initial == {
        "building": building,
        "contact_address": "团结巷3栋2单元401",
        "contact_phone": "13912345678",
    }
    assert client.get(reverse("whistles:report_problem")).context["form"].initial == {"building": building}
