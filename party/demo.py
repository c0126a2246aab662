"""Demo party life: the party committee's four grid branches and their members, a year of party days, in-service
members registered from partner units, and a feedback sheet to print. Idempotent (found by natural keys)."""


def load(out):
    members(out)
    in_service(out)
    party_days(out)


def members(out):
    """Branches with secretaries and confirmed members (some showing their badge), one declaration waiting."""


def in_service(out):
    """Service posts, five in-service members registered from partner units, one unit registration waiting,
    and a feedback sheet for last year ready to print."""


def party_days(out):
    """Each branch's party days of the past twelve months (most held, with photos and summaries) and the next ones
    planned."""
