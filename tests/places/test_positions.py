"""Positions are entered once, by staff, as a phone map shows them: in the admin, or for many buildings at once
from a CSV file; a swapped or half position is refused in Chinese."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from community.coordinates import distance_metres, metres_from, point_at
from community.models import Building
from places.models import Place
from tests.factories import ORIGIN, BuildingFactory, StaffFactory
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db


def test_metres_and_degrees_turn_into_each_other_within_a_few_centimetres():
    point = point_at(ORIGIN, 300, -400)
    x, y = metres_from(ORIGIN, point)
    assert abs(x - 300) < 0.1 and abs(y + 400) < 0.1
    assert abs(distance_metres(ORIGIN, point) - 500) < 0.1


def test_a_grid_worker_imports_the_positions_of_buildings_from_a_csv_file(client):
    BuildingFactory(name="团结巷1栋")
    sign_in(client, StaffFactory(groups=["网格员"]))
    csv = "网格,楼栋,户数,纬度,经度\n第一网格,团结巷1栋,62,30.214281,115.082096\n".encode()
    response = client.post(
        "/admin/community/building/import/",
        {"format": "0", "import_file": SimpleUploadedFile("楼栋.csv", csv, content_type="text/csv")},
    )
    confirm = response.context["confirm_form"]
    client.post("/admin/community/building/process_import/", {**confirm.initial, "format": "0"})
    assert Building.objects.get(name="团结巷1栋").position == (Decimal("30.214281"), Decimal("115.082096"))


def test_swapped_latitude_and_longitude_are_refused_with_a_chinese_message():
    place = Place(name="康宁诊所", category="clinic", address="团结巷21号", latitude=115.08, longitude=30.21)
    with pytest.raises(ValidationError) as refused:
        place.full_clean()
    assert "填反了" in str(refused.value.message_dict["latitude"])
    assert "填反了" in str(refused.value.message_dict["longitude"])


def test_a_building_has_both_halves_of_its_position_or_neither():
    building = BuildingFactory(name="团结巷2栋")
    building.latitude = Decimal("30.2")
    with pytest.raises(ValidationError, match="一起填写"):
        building.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        building.save()


def test_a_grid_worker_keeps_the_directory_in_the_admin_and_an_editor_cannot(client):
    sign_in(client, StaffFactory(groups=["网格员"]))
    assert client.get("/admin/places/place/add/").status_code == 200
    assert client.get("/admin/places/closure/").status_code == 200
    sign_in(client, StaffFactory(groups=["编辑"]))
    assert client.get("/admin/places/place/").status_code == 403
