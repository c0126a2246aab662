"""Grids and buildings: roles, and import from a CSV file through the admin."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from community.models import Building, Grid
from tests.factories import BuildingFactory, StaffFactory
from tests.signing_in import sign_in


@pytest.mark.django_db
def test_the_roles_exist_with_their_permissions():
    grid_worker = Group.objects.get(name="网格员")
    codes = set(grid_worker.permissions.values_list("codename", flat=True))
    assert {"change_building", "add_building", "assist_password_reset"} <= codes
    assert Group.objects.filter(name__in=["编辑", "审核员"]).count() == 2


@pytest.mark.django_db
def test_a_grid_worker_imports_buildings_from_a_csv_file(client):
    BuildingFactory(name="团结巷1栋", households=10)
    sign_in(client, StaffFactory(groups=["网格员"]))
    csv = "网格,楼栋,户数\n第一网格,团结巷1栋,62\n第一网格,团结巷2栋,58\n第二网格,朝阳路1栋,64\n".encode()
    response = client.post(
        "/admin/community/building/import/",
        {"format": "0", "import_file": SimpleUploadedFile("楼栋.csv", csv, content_type="text/csv")},
    )
    assert response.status_code == 200
    confirm = response.context["confirm_form"]
    assert confirm is not None, response.context.get("result")
    response = client.post("/admin/community/building/process_import/", {**confirm.initial, "format": "0"})
    assert response.status_code == 302
    assert Building.objects.get(name="团结巷1栋").households == 62
    assert set(Building.objects.filter(grid__name="第一网格").values_list("name", flat=True)) == {
        "团结巷1栋",
        "团结巷2栋",
    }
    assert Grid.objects.filter(name="第二网格").exists()


@pytest.mark.django_db
def test_an_editor_cannot_change_buildings(client):
    sign_in(client, StaffFactory(groups=["编辑"]))
    assert client.get("/admin/community/building/").status_code == 403
