"""The directory: walking times from a building, sorted; a resident's home as the start, never on a kept page;
the map; "营业中" that a kept page never shows after it stopped being true; and its cost in queries."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community.models import Home
from places import directory
from places.models import Closure
from places.walking import CIRCLE_MINUTES, DETOUR_FACTOR, METRES_PER_MINUTE, walk
from tests.factories import BuildingFactory, PlaceFactory, UserFactory, add_hours, at
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Monday 7 December 2026, 10:00 in Shanghai.
MONDAY_MORNING = datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI)


def building(name, east, north, **fields):
    return BuildingFactory(name=name, **at(east, north), **fields)


def names_in_order(html):
    return re.findall(r'<h3 class="place-name"><a href="[^"]*">([^<]+)</a>', html)


@pytest.fixture
def street():
    """Three clinics along a street east of 团结巷1栋: the nearest closed today, two open all day."""
    start = building("团结巷1栋", 0, 0)
    far = building("团结巷9栋", 800, 0, grid=start.grid)
    near = PlaceFactory(name="近处诊所", east=100, phone="0714-6201111")
    add_hours(near, "08:00", "17:30")
    Closure.objects.create(place=near, first_day=MONDAY_MORNING.date(), last_day=MONDAY_MORNING.date(), reason="停电")
    middle = PlaceFactory(name="中间诊所", east=300, phone="0714-6202222")
    add_hours(middle, "00:00", "00:00")
    farther = PlaceFactory(name="远处诊所", east=600, phone="0714-6203333")
    add_hours(farther, "00:00", "00:00")
    pharmacy = PlaceFactory(name="街口药店", category="pharmacy", east=50)
    add_hours(pharmacy, "08:00", "21:00")
    return {"start": start, "far": far, "near": near, "middle": middle, "farther": farther, "pharmacy": pharmacy}


def test_the_walk_is_the_straight_distance_made_longer_by_the_detour_at_an_older_residents_pace():
    six_hundred_metres_east = walk(tuple(at(0, 0).values()), tuple(at(600, 0).values()))
    assert six_hundred_metres_east.metres == round(600 * DETOUR_FACTOR, -1) == 780
    assert six_hundred_metres_east.minutes == 13 == -(-600 * DETOUR_FACTOR // METRES_PER_MINUTE)
    assert six_hundred_metres_east.in_circle and CIRCLE_MINUTES == 15
    next_door = walk(tuple(at(0, 0).values()), tuple(at(3, 4).values()))
    assert next_door.minutes == 1


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_places_are_sorted_by_walking_time_from_the_chosen_building(client, street):
    page = client.get("/places/", {"building": street["far"].pk, "category": "clinic"})
    assert names_in_order(page.text) == ["远处诊所", "中间诊所", "近处诊所"]
    assert "按从团结巷9栋步行的时间排序" in page.text
    page = client.get("/places/", {"building": street["start"].pk, "category": "clinic"})
    assert names_in_order(page.text) == ["近处诊所", "中间诊所", "远处诊所"]
    assert "步行 3 分钟" in page.text  # 100 m × 1.3 at 60 m a minute
    # Every category's link keeps the chosen building.
    assert f'href="/places/?building={street["start"].pk}&amp;category=pharmacy"' in page.text


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_each_place_says_whether_it_is_open_and_links_its_phone(client, street):
    page = client.get("/places/", {"building": street["start"].pk, "category": "clinic"})
    cards = page.text.split('<li class="place-card')[1:]
    assert "休息中" in cards[0] and "今天休息（停电）" in cards[0] and "明天 8:00 开门" in cards[0]
    assert "营业中" in cards[1] and "24 小时营业" in cards[1]
    assert 'href="tel:07146202222"' in cards[1]


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_without_a_building_the_places_are_listed_by_category(client, street):
    page = client.get("/places/")
    assert names_in_order(page.text) == ["中间诊所", "近处诊所", "远处诊所", "街口药店"]
    assert "步行" not in "".join(re.findall(r'<span class="place-walk">[^<]*', page.text))
    for wrong in ({"building": "abc"}, {"building": "999999"}, {"category": "<script>"}, {"category": "zoo"}):
        answer = client.get("/places/", wrong)
        assert answer.status_code == 200 and "<script>" not in answer.text


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_a_resident_sees_the_places_sorted_from_her_home_and_no_kept_page_holds_it(client, street):
    resident = UserFactory(username="liu")
    Home.set_for(resident, building=street["far"], unit="1", room="101")
    sign_in(client, resident)
    page = client.get("/places/?category=clinic")
    assert names_in_order(page.text) == ["远处诊所", "中间诊所", "近处诊所"]
    assert "按从您家步行的时间排序" in page.text and "从我家出发" in page.text
    assert "团结巷9栋步行" not in page.text and f'<option value="{street["far"].pk}" selected' not in page.text
    # Her links do not carry her building either.
    assert f"building={street['far'].pk}" not in page.text
    client.logout()
    anonymous = client.get("/places/?category=clinic")
    assert "从您家步行" not in anonymous.text and names_in_order(anonymous.text) == ["中间诊所", "近处诊所", "远处诊所"]


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_a_home_in_a_building_without_a_position_is_said_so(client, street):
    resident = UserFactory(username="peng")
    Home.set_for(resident, building=BuildingFactory(name="人民街2栋"), unit="1", room="301")
    sign_in(client, resident)
    page = client.get("/places/")
    assert "您家所在楼栋的位置还没有录入" in page.text


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_the_map_draws_every_building_and_numbers_the_places_as_the_list_does(client, street):
    page = client.get("/places/", {"building": street["start"].pk})
    svg = page.text[page.text.index("<svg") : page.text.index("</svg>")]
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert svg.count('class="map-building') == 2 and svg.count('class="map-building is-start"') == 1
    assert svg.count("<circle") == 4
    assert "<title>1. 街口药店</title>" in svg  # 50 m away: first in the list, number 1 on the map
    assert "https://" not in svg and "<image" not in svg  # drawn, not loaded


@pytest.mark.parametrize("hour", [11, 12])
def test_a_kept_page_expires_when_a_place_on_it_opens_or_closes(client, settings, hour):
    settings.PAGE_CACHE_HEADER = True
    place = PlaceFactory(name="午休诊所")
    add_hours(place, "08:00", "12:00")
    add_hours(place, "14:30", "17:30")
    before = datetime(2026, 12, 7, hour, 59, tzinfo=SHANGHAI)
    with time_machine.travel(before, tick=False):
        assert client.get("/places/").text.count("营业中" if hour == 11 else "休息中") == 1
        kept = client.get("/places/")
        assert kept["X-Page-Cache"] == "hit"
    # One minute later: at 12:00 it closed for lunch (the kept copy expired then); at 13:00 nothing changed.
    with time_machine.travel(datetime(2026, 12, 7, hour + 1, 0, 1, tzinfo=SHANGHAI), tick=False):
        page = client.get("/places/")
    if hour == 11:
        assert page["X-Page-Cache"] == "miss" and "休息中" in page.text and "14:30 开门" in page.text
    else:
        assert page["X-Page-Cache"] == "hit"


def test_a_kept_page_saying_tomorrow_expires_at_midnight(client, settings):
    settings.PAGE_CACHE_HEADER = True
    place = PlaceFactory(name="周二开门的店")
    add_hours(place, "08:00", "12:00", days=[1])
    with time_machine.travel(datetime(2026, 12, 7, 23, 0, tzinfo=SHANGHAI), tick=False):
        assert "明天 8:00 开门" in client.get("/places/").text
    with time_machine.travel(datetime(2026, 12, 8, 0, 0, 5, tzinfo=SHANGHAI), tick=False):
        page = client.get("/places/")
    assert page["X-Page-Cache"] == "miss" and "8:00 开门" in page.text and "明天" not in page.text


def fill(places, buildings, first=0):
    """``places`` places with weekday hours and a lunch break, ``buildings`` buildings, spread over 1 km."""
    numbers = range(first + 1, first + buildings + 1)
    starts = [building(f"测试巷{n}栋", (n * 37) % 900, -((n * 53) % 700)) for n in numbers]
    for n in range(first, first + places):
        place = PlaceFactory(
            name=f"地点{n}", category=["clinic", "pharmacy", "market"][n % 3], east=n * 7, north=-n * 3
        )
        add_hours(place, "08:00", "12:00", days=range(6))
        add_hours(place, "14:00", "18:00", days=range(6))
        Closure.objects.create(place=place, first_day=MONDAY_MORNING.date(), last_day=MONDAY_MORNING.date(), reason="x")
    return starts


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_two_hundred_places_sorted_for_a_building_take_one_query_and_the_page_three():
    """Places, their hours and closures, the buildings and the home come in one query (community/together.py):
    no query per place, per building or per opening hour."""
    starts = fill(200, 60)
    resident = UserFactory(username="wang")
    Home.set_for(resident, building=starts[10], unit="1", room="101")
    with CaptureQueriesContext(connection) as queries:
        found = directory.read(building_id=starts[30].pk, resident=resident)
    assert len(queries) == 1
    assert len(found.places) == 200 and len(found.buildings) == 60
    minutes = [place.walk.minutes for place in found.places]
    assert minutes == sorted(minutes)


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_the_directory_page_costs_three_queries_cold_and_one_kept_at_any_size(client):
    """For an anonymous visitor: the kept-page lookup, the directory's one query, the keeping."""
    counts = []
    for size in ((20, 6, 0), (180, 54, 20)):  # together 200 places and 60 buildings
        starts = fill(*size)
        url = f"/places/?building={starts[-1].pk}"
        cache.clear()
        with CaptureQueriesContext(connection) as cold:
            assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as kept:
            client.get(url)
        counts.append((len(cold), len(kept)))
    assert counts == [(3, 1), (3, 1)]


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_a_place_page_shows_its_week_its_closures_and_the_walk_from_every_building(client, street):
    Closure.objects.create(
        place=street["middle"],
        first_day=datetime(2027, 1, 1).date(),
        last_day=datetime(2027, 1, 3).date(),
        reason="元旦",
    )
    page = client.get(f"/places/{street['middle'].pk}/", {"building": street["start"].pk})
    assert "营业中" in page.text and 'href="tel:07146202222"' in page.text
    assert "周一至周日" in page.text and "24 小时" in page.text
    assert "1月1日至1月3日：元旦" in page.text
    assert "从团结巷1栋走过去约 7 分钟（约 390 米）" in page.text
    assert "团结巷9栋" in page.text and "约 11 分钟" in page.text  # 500 m from the far end
    assert client.get("/places/999999/").status_code == 404
    street["middle"].shown = False
    street["middle"].save()
    assert client.get(f"/places/{street['middle'].pk}/").status_code == 404
