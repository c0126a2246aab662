"""How long the walk is from a building to a place: the service circle's one rule for walking times.

The straight distance between the two doors (community/coordinates.py) is made longer by a detour factor and
divided by a walking speed. Both are estimates, chosen for the residents who rely on the circle most.
"""

import math
from dataclasses import dataclass

from community.coordinates import distance_metres

# Nobody walks in a straight line: streets, corners, crossings and gates make the way longer. In a grid of
# streets the walked way is about 1.3 times the straight distance (the usual "route factor" of city streets).
DETOUR_FACTOR = 1.3
# An older resident's pace, about 1 metre a second. Healthy adults walk some 80 metres a minute; the circle is
# planned for those who walk slowest, so that "15 分钟" holds for them too.
METRES_PER_MINUTE = 60
# The promise in the name: what lies within this many minutes is in the 15-minute circle.
CIRCLE_MINUTES = 15


@dataclass(frozen=True)
class Walk:
    """The walk to a place: about how many metres (rounded to ten) and minutes (rounded up, at least one)."""

    metres: int
    minutes: int

    @property
    def in_circle(self):
        return self.minutes <= CIRCLE_MINUTES


def walk(start, end):
    """The walk between two (latitude, longitude) points."""
    metres = distance_metres(start, end) * DETOUR_FACTOR
    return Walk(metres=int(round(metres, -1)), minutes=max(1, math.ceil(metres / METRES_PER_MINUTE)))
