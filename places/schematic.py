"""The community's schematic map, drawn as inline SVG from the positions staff entered: no map tiles, nothing
loaded from outside.

Buildings are squares with their number, gathered into streets by their names (团结巷3栋 stands on 团结巷,
whose name is written beside its row); the places of the list are circles coloured by category (places.css)
holding their number in the list. North is up. The map only illustrates: the list is the content.
"""

import re
from dataclasses import dataclass, field

from community.coordinates import metres_from

# The drawing's width in SVG units. 大字模式 draws it at least this many pixels wide (places.css), so that its
# text, FONT units high, is never under 20 px; narrower screens scroll it sideways.
WIDTH = 880
MARGIN = 70
FONT = 22
SQUARE = 30
MARKER = 20
# A tiny community (or a single place) is not blown up beyond this many units a metre.
MAX_SCALE = 3
# 团结巷3栋, 朝阳路12号楼: the street and the building's number.
STREET_AND_NUMBER = re.compile(r"^(?P<street>.+?)(?P<number>\d+)(?:栋|幢|号楼|号)$")


@dataclass
class Square:
    """A building: its square around (x, y), its number written in it, its name when pointed at."""

    x: float
    y: float
    label: str
    name: str
    is_start: bool = False
    size: int = SQUARE

    @property
    def left(self):
        return round(self.x - SQUARE / 2, 1)

    @property
    def top(self):
        return round(self.y - SQUARE / 2, 1)


@dataclass
class Marker:
    """A place of the list: a circle at (x, y) in its category's colour, holding its number in the list."""

    x: float
    y: float
    number: int
    category: str
    name: str
    radius: int = MARKER


@dataclass
class Street:
    name: str
    line: tuple
    letters: list = field(default_factory=list)  # [(text, x, y)]: the name, written along the row


@dataclass
class CommunityMap:
    width: int
    height: int
    squares: list
    markers: list
    streets: list


def draw(buildings, places, start=None):
    """The map of ``buildings`` and ``places`` (each with ``position``), or None if there is nothing to place."""
    positions = [building.position for building in buildings] + [place.position for place in places]
    if not positions:
        return None
    north_west = (max(latitude for latitude, _ in positions), min(longitude for _, longitude in positions))
    metres = {id(item): metres_from(north_west, item.position) for item in [*buildings, *places]}
    extent_x = max(x for x, _y in metres.values())
    extent_y = max(-y for _x, y in metres.values())
    scale = min(MAX_SCALE, (WIDTH - 2 * MARGIN) / max(extent_x, 1))

    def at(item):
        x, y = metres[id(item)]
        return round(MARGIN + x * scale, 1), round(MARGIN - y * scale, 1)

    squares, rows = [], {}
    for building in buildings:
        x, y = at(building)
        match = STREET_AND_NUMBER.match(building.name)
        is_start = start is not None and building.pk == start.pk
        squares.append(Square(x, y, match["number"] if match else "", building.name, is_start))
        if match:
            rows.setdefault(match["street"], []).append((x, y))
    markers = [Marker(*at(place), place.number, place.category, place.name) for place in places]
    return CommunityMap(
        width=WIDTH,
        height=round(extent_y * scale + 2 * MARGIN),
        squares=squares,
        markers=markers,
        streets=[_street(name, points) for name, points in rows.items() if len(points) > 1],
    )


def _street(name, points):
    """A row of buildings drawn as a street, its name above it (east–west) or, letter under letter, beside it."""
    xs, ys = [x for x, _ in points], [y for _, y in points]
    middle_x, middle_y = sum(xs) / len(xs), sum(ys) / len(ys)
    if max(xs) - min(xs) >= max(ys) - min(ys):
        line = (min(xs) - SQUARE, middle_y, max(xs) + SQUARE, middle_y)
        letters = [(name, round(middle_x, 1), round(min(ys) - SQUARE / 2 - 10, 1))]
    else:
        line = (middle_x, min(ys) - SQUARE, middle_x, max(ys) + SQUARE)
        x = round(max(xs) + SQUARE / 2 + FONT, 1)
        top = middle_y - (len(name) - 1) * FONT / 2
        letters = [(letter, x, round(top + index * FONT + FONT / 3, 1)) for index, letter in enumerate(name)]
    return Street(name, tuple(round(value, 1) for value in line), letters)
