"""Factories for test data, in one place. Nothing is created at import time."""

from datetime import time, timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from community.coordinates import point_at
from community.models import Building, Grid

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"resident{n}")
    display_name = factory.Iterator(["王秀英", "李建国", "张桂兰", "陈志强", "刘淑芬", "杨明"])
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def groups(self, create, names, **kwargs):
        if create and names:
            from django.contrib.auth.models import Group

            self.groups.add(*Group.objects.filter(name__in=names))
        if create:
            self.save()


class StaffFactory(UserFactory):
    username = factory.Sequence(lambda n: f"staff{n}")
    is_staff = True


class GridFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grid

    name = factory.Sequence(lambda n: f"第{n}网格")


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    grid = factory.SubFactory(GridFactory)
    name = factory.Sequence(lambda n: f"团结巷{n}栋")
    households = 60


class PartyBranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "community.PartyBranch"

    grid = factory.SubFactory(GridFactory)
    name = factory.LazyAttribute(lambda b: f"{b.grid.name}党支部")


class PartyMembershipFactory(factory.django.DjangoModelFactory):
    """A confirmed party member by default (status="declared" for one waiting); the badge is not shown unless asked."""

    class Meta:
        model = "community.PartyMembership"

    member = factory.SubFactory(UserFactory)
    organisation = "第一网格党支部"
    joined_year = 1998
    consent_at = factory.LazyFunction(timezone.now)
    status = "confirmed"


class PartyDayFactory(factory.django.DjangoModelFactory):
    """A party day: an event for party members hosted by a branch, with its theme and priority."""

    class Meta:
        model = "party.PartyDay"

    activity = factory.SubFactory(
        "tests.factories.ActivityFactory",
        team=None,
        branch=factory.SubFactory(PartyBranchFactory),
        audience="party",
        title="主题党日",
    )
    theme = "垃圾分类我先行"
    priority = "environment"


class ColumnFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "news.Column"
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"栏目{n}")
    slug = factory.Sequence(lambda n: f"column-{n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "news.Article"

    title = factory.Sequence(lambda n: f"社区新闻第{n}篇")
    column = factory.SubFactory(ColumnFactory)
    body = "<p>社区组织居民开展活动。</p>"
    status = "published"
    publish_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))


class VolunteerFactory(factory.django.DjangoModelFactory):
    """An approved volunteer (with an account)."""

    class Meta:
        model = "volunteers.Volunteer"

    user = factory.SubFactory(UserFactory)
    real_name = factory.Iterator(["孙丽萍", "何建军", "付晓东", "罗春生", "万海燕"])
    phone = factory.Sequence(lambda n: f"1390000{n:04d}")
    terms_accepted_at = factory.LazyFunction(timezone.now)
    status = "approved"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "volunteers.Team"

    name = factory.Sequence(lambda n: f"服务队{n}")
    description = "为居民服务。"


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "volunteers.Activity"

    team = factory.SubFactory(TeamFactory)
    title = factory.Sequence(lambda n: f"志愿活动{n}")
    description = "清理楼道。"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    ends_at = factory.LazyAttribute(lambda a: a.starts_at + timedelta(hours=2))
    signup_deadline = factory.LazyAttribute(lambda a: a.starts_at - timedelta(hours=12))
    place = "社区广场"
    capacity = 10


class PartnerUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "volunteers.PartnerUnit"
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"共建单位{n}")


class WorkstationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "volunteers.Workstation"

    name = factory.Sequence(lambda n: f"工作室{n}")
    leader = factory.SubFactory(UserFactory)
    services = "调解邻里纠纷、谈心疏导"
    place = "社区党群服务中心"


def add_member(team, volunteer, *, leader=False):
    from volunteers.models import TeamMembership

    return TeamMembership.objects.create(team=team, volunteer=volunteer, status="accepted", is_leader=leader)


# The service circle's tests put buildings and places so many metres east and north of one point.
ORIGIN = (Decimal("30.215000"), Decimal("115.085000"))


def at(east, north):
    """{latitude, longitude} of the point ``east`` and ``north`` metres from the tests' origin."""
    latitude, longitude = point_at(ORIGIN, east, north)
    return {"latitude": latitude, "longitude": longitude}


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "places.Place"
        django_get_or_create = ("name",)

    class Params:
        east = 0
        north = 0

    name = factory.Sequence(lambda n: f"便民点{n}")
    category = "clinic"
    address = "团结巷1号"
    phone = "0714-6201234"
    latitude = factory.LazyAttribute(lambda place: at(place.east, place.north)["latitude"])
    longitude = factory.LazyAttribute(lambda place: at(place.east, place.north)["longitude"])


def add_hours(place, opens, closes, *, days=range(7)):
    """Open ``place`` from ``opens`` to ``closes`` ("08:00", "17:30") on ``days`` (0 is Monday)."""
    from places.models import OpeningHours

    return OpeningHours.objects.bulk_create(
        OpeningHours(place=place, weekday=day, opens=time.fromisoformat(opens), closes=time.fromisoformat(closes))
        for day in days
    )
