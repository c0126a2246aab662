"""The demo's service circle: forty places with their hours on the demo's streets, every building placed."""

import pytest
from django.core.management import call_command

from community.contributions import waiting_for
from community.demo import demo_position
from community.models import Building, User
from places.models import Category, OpeningHours, Place
from places.walking import CIRCLE_MINUTES, walk


@pytest.mark.django_db
def test_the_demo_circle_has_forty_places_within_fifteen_minutes_of_the_centre(settings, tmp_path, client):
    settings.DATA_DIR = tmp_path
    call_command("load_demo")
    counts = (Place.objects.count(), OpeningHours.objects.count())
    call_command("load_demo")
    assert (Place.objects.count(), OpeningHours.objects.count()) == counts
    assert counts[0] == 40
    assert set(Place.objects.values_list("category", flat=True)) == set(Category.values)
    assert not Place.objects.filter(hours__isnull=True).exists()
    assert not Building.objects.filter(latitude__isnull=True).exists()
    centre = demo_position(0, 0)
    assert max(walk(centre, place.position).minutes for place in Place.objects.all()) <= CIRCLE_MINUTES
    # No two places or buildings on top of each other on the map.
    points = [place.position for place in Place.objects.all()] + [b.position for b in Building.objects.all()]
    assert len(set(points)) == len(points)
    assert any(q.label == "便民服务圈报错" for q in waiting_for(User.objects.get(username="gridworker")))
    home = client.get("/")
    assert "十五分钟便民服务圈" in home.text and 'href="/places/?category=clinic"' in home.text
