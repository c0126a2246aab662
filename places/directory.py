"""What the directory's pages show, read in one query: the places with their hours and closures, every building
that has a position, and the signed-in resident's home; the places sorted by walking time from one building.

The lists are fetched together (community/together.py), so that the directory costs one query whatever the
number of places and buildings; walking times and opening states are worked out in Python from them.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from community.models import Building, Grid, Home
from community.together import fetch_together, instances
from places.hours import next_midnight, opening
from places.models import Category, Closure, OpeningHours, Place
from places.walking import walk

PLACE_FIELDS = (
    "id",
    "name",
    "category",
    "services",
    "address",
    "phone",
    "latitude",
    "longitude",
    "step_free",
    "accessible_toilet",
    "accessibility_note",
    "updated",
)
CATEGORY_ORDER = {value: index for index, value in enumerate(Category.values)}


@dataclass
class Directory:
    """The places (each with ``opening``, ``walk`` from ``start`` or None, ``number`` in the list, ``hour_rows``
    and ``closure_rows``), the buildings with a position, the categories that have places (in their order), and
    where the walks start.

    ``has_home``: the signed-in resident has set her home; ``from_home``: the walks start there;
    ``home_unplaced``: its building has no position yet.
    """

    places: list
    buildings: list
    now: datetime
    categories: list = field(default_factory=list)
    start: Building | None = None
    has_home: bool = False
    from_home: bool = False
    home_unplaced: bool = False

    @property
    def shown_until(self):
        """The first moment something shown changes by time alone: a place opens or closes, or midnight comes."""
        changes = [place.opening.changes_at for place in self.places if place.opening.changes_at is not None]
        return min([next_midnight(self.now), *changes])


def read(*, category="", place_id=None, building_id=None, resident=None, now=None):
    """The directory (of one ``category``, or one place), walks starting from ``building_id`` if it names a
    building with a position, else from the ``resident``'s home."""
    now = timezone.localtime(now)
    places = Place.objects.shown()
    if category:
        places = places.filter(category=category)
    if place_id is not None:
        places = places.filter(pk=place_id)
    chosen = places.values("pk")
    lists = {
        "places": places.order_by().values(*PLACE_FIELDS),
        "hours": OpeningHours.objects.filter(place__in=chosen).order_by().values("place", "weekday", "opens", "closes"),
        "closures": Closure.objects.filter(place__in=chosen)
        .not_over(now.date() - timedelta(days=1))
        .values("place", "first_day", "last_day", "reason"),
        "categories": Place.objects.shown().order_by("category").values("category").distinct(),
        "buildings": Building.objects.filter(latitude__isnull=False).values(
            "id", "name", "latitude", "longitude", "grid__name"
        ),
    }
    if resident is not None and resident.is_authenticated:
        lists["home"] = Home.objects.filter(resident=resident).values("building")
    found = fetch_together(**lists)

    buildings = instances(Building, found["buildings"], grid=Grid)
    by_building = {building.pk: building for building in buildings}
    directory = Directory(places=instances(Place, found["places"]), buildings=buildings, now=now)
    directory.categories = sorted(
        (row["category"] for row in found["categories"]), key=lambda value: CATEGORY_ORDER.get(value, 99)
    )
    home = found["home"][0]["building"] if found.get("home") else None
    directory.has_home = home is not None
    if building_id in by_building:
        directory.start = by_building[building_id]
    elif home is not None:
        directory.start = by_building.get(home)
        directory.from_home = directory.start is not None
        directory.home_unplaced = directory.start is None

    hours, closures = {}, {}
    for row in instances(OpeningHours, found["hours"]):
        hours.setdefault(row.place_id, []).append(row)
    for row in instances(Closure, found["closures"]):
        closures.setdefault(row.place_id, []).append(row)
    for place in directory.places:
        place.hour_rows = hours.get(place.pk, [])
        place.closure_rows = closures.get(place.pk, [])
        place.opening = opening(place.hour_rows, place.closure_rows, now)
        place.walk = walk(directory.start.position, place.position) if directory.start else None
    if directory.start:
        directory.places.sort(key=lambda place: (place.walk.minutes, place.walk.metres, place.name))
    else:
        directory.places.sort(key=lambda place: (CATEGORY_ORDER.get(place.category, 99), place.name))
    for number, place in enumerate(directory.places, start=1):
        place.number = number
    return directory


def walks_from_each_building(place, buildings):
    """[(grid name, [(building, walk)])]: how far ``place`` is from every building with a position, by grid."""
    grids = {}
    for building in buildings:
        grids.setdefault(building.grid.name, []).append((building, walk(building.position, place.position)))
    return list(grids.items())
