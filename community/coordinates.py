"""Where a building or a place stands: latitude and longitude as staff enter them, metres for distances and maps.

Staff read a position off a phone map once (a long press on the door shows
its latitude and longitude) and type it into the admin. Over a community a
kilometre or two across, the earth is flat enough: a point becomes metres east
(x) and north (y) of a reference point, and a distance is a straight line in
metres (the error is far under a metre at this size). Chinese map apps shift
their coordinates by a few hundred metres, each app its own way, but by the
same amount everywhere in a small area: distances stay right as long as every
point of the community comes from the same app.
"""

import math
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Metres in one degree of latitude (and of longitude on the equator): the earth's mean circumference / 360.
METRES_PER_DEGREE = 111_320

LATITUDE_HELP = _(
    "北纬，例如 30.201234。在手机地图上长按门口，就能看到经纬度；"
    "社区所有楼栋和地点请用同一个地图应用取点（不同地图的坐标相差几百米）。"
)
LONGITUDE_HELP = _("东经，例如 115.081234。和纬度在同一个地图应用上一起取。")


def validate_latitude(value):
    # China lies between 3° and 54° north: a value outside is a typing error, most often longitude and latitude
    # swapped.
    if not Decimal(3) <= value <= Decimal(54):
        raise ValidationError(_("纬度应在 3 到 54 之间（北纬），请检查是否和经度填反了。"), code="latitude")


def validate_longitude(value):
    # China lies between 73° and 136° east.
    if not Decimal(73) <= value <= Decimal(136):
        raise ValidationError(_("经度应在 73 到 136 之间（东经），请检查是否和纬度填反了。"), code="longitude")


def metres_from(origin, point):
    """(x metres east, y metres north) of ``point`` from ``origin``; both are (latitude, longitude)."""
    origin_latitude, origin_longitude = (float(value) for value in origin)
    latitude, longitude = (float(value) for value in point)
    east = (longitude - origin_longitude) * METRES_PER_DEGREE * math.cos(math.radians(origin_latitude))
    return east, (latitude - origin_latitude) * METRES_PER_DEGREE


def point_at(origin, x, y):
    """The (latitude, longitude) ``x`` metres east and ``y`` metres north of ``origin``, to six decimals (10 cm)."""
    origin_latitude, origin_longitude = (float(value) for value in origin)
    latitude = origin_latitude + y / METRES_PER_DEGREE
    longitude = origin_longitude + x / (METRES_PER_DEGREE * math.cos(math.radians(origin_latitude)))
    return Decimal(f"{latitude:.6f}"), Decimal(f"{longitude:.6f}")


def distance_metres(a, b):
    """The straight distance in metres between two (latitude, longitude) points."""
    return math.hypot(*metres_from(a, b))
