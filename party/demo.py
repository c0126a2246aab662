"""Demo party life: the party committee's four grid branches and their members, a year of party days, in-service
members registered from partner units, and a feedback sheet to print. Idempotent (found by natural keys)."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from community.demo import ensure_account, plain_account
from community.models import Grid, PartyBranch, PartyMembership

# (grid, branch, secretary's demo login, her name): the party committee's four grid branches.
BRANCHES = [
    ("第一网格", "第一网格党支部", "secretary", "孙立平"),
    ("第二网格", "第二网格党支部", "secretary2", "郑红梅"),
    ("第三网格", "第三网格党支部", "secretary3", "马国庆"),
    ("第四网格", "第四网格党支部", "secretary4", "胡玉珍"),
]


def load(out):
    branches(out)
    members(out)
    in_service(out)
    party_days(out)


def branches(out):
    """The four grid branches and their secretaries (residents with a login; the first is in the logins file)."""
    for grid_name, name, login, secretary_name in BRANCHES:
        secretary = ensure_account(login, secretary_name)
        PartyBranch.objects.get_or_create(
            name=name, defaults={"grid": Grid.objects.get(name=grid_name), "secretary": secretary}
        )
    out.write(f"  {PartyBranch.objects.count()} party branches")


# (demo login, name, joined year, shows the badge) of each branch's confirmed members, in BRANCHES' order.
MEMBERS = [
    [("pm1a", "宋德明", 1978, True), ("pm1b", "冯秀兰", 1986, False), ("pm1c", "程志远", 2003, False)],
    [("pm2a", "韩玉梅", 1972, True), ("pm2b", "邓建民", 1991, False), ("pm2c", "曹丽娟", 2010, False)],
    [("pm3a", "彭国华", 1981, False), ("pm3b", "萧桂芳", 1995, True), ("pm3c", "田伟", 2012, False)],
    [("pm4a", "董淑珍", 1969, False), ("pm4b", "袁振国", 1988, True), ("pm4c", "潘晓红", 2008, False)],
]
# The demo volunteer is a confirmed member of the first branch who shows the badge: it is next to her name on the
# wishes she claimed.
BADGED_LOGIN = "volunteer"
# A declaration waiting for the first branch's secretary (on 我的 of `secretary`).
WAITING = ("pmwait", "蒋文博", 1999)


def _member(user, branch, joined_year, *, confirmed_by=None, shows_badge=False):
    """The user's membership, created once (found by its member): confirmed by ``confirmed_by`` unless None."""
    if PartyMembership.objects.filter(member=user).exists():
        return
    now = timezone.now()
    PartyMembership.objects.create(
        member=user,
        branch=branch,
        organisation=branch.name,
        joined_year=joined_year,
        consent_at=now,
        status=PartyMembership.Status.CONFIRMED if confirmed_by else PartyMembership.Status.DECLARED,
        shows_badge=shows_badge,
        decided_at=now if confirmed_by else None,
        decided_by=confirmed_by,
    )


def members(out):
    """Branches with secretaries and confirmed members (some showing their badge), one declaration waiting."""
    for (_grid, name, _login, _secretary), people in zip(BRANCHES, MEMBERS, strict=True):
        branch = PartyBranch.objects.select_related("secretary").get(name=name)
        for login, person, joined, badge in people:
            _member(plain_account(login, person), branch, joined, confirmed_by=branch.secretary, shows_badge=badge)
    first = PartyBranch.objects.select_related("secretary").get(name=BRANCHES[0][1])
    volunteer = get_user_model().objects.filter(username=BADGED_LOGIN).first()
    if volunteer is not None:
        _member(volunteer, first, 2005, confirmed_by=first.secretary, shows_badge=True)
    login, person, joined = WAITING
    _member(plain_account(login, person), first, joined)
    out.write(
        f"  {PartyMembership.objects.confirmed().count()} confirmed party members, "
        f"{PartyMembership.objects.waiting().count()} declaration waiting"
    )


def in_service(out):
    """Service posts, five in-service members registered from partner units, one unit registration waiting,
    and a feedback sheet for last year ready to print."""


def party_days(out):
    """Each branch's party days of the past twelve months (most held, with photos and summaries) and the next ones
    planned."""
