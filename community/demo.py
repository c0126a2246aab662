"""Demo content for the site itself: grids, buildings and the demo accounts.

Idempotent: every object is looked up by a natural key first, so running the
loader twice creates nothing new. People are fictional.
"""

import secrets
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from community import roles, second_factor
from community.coordinates import point_at
from community.models import Building, Grid, Home, Notification

# (grid, its streets, [(street, buildings on it, households per building)], its grid worker's username).
# Together 3,691 households: the "3600多户" the demo's articles speak of.
GRIDS = [
    ("第一网格", "团结巷、人民街", [("团结巷", 14, 57), ("人民街", 10, 53)], "gridworker"),
    ("第二网格", "朝阳路一带", [("朝阳路", 12, 59)], "gridworker"),
    ("第三网格", "纺织一路、纺织二路", [("纺织一路", 8, 61), ("纺织二路", 6, 55)], "gridworker2"),
    ("第四网格", "老市委外院小区", [("老市委外院", 10, 51)], "gridworker2"),
]

# Where the demo community lies: its service centre (江滨路88号), with the river to the north. The demo's positions
# are metres east and north of it, turned into the latitude and longitude staff would read off a map.
DEMO_ORIGIN = (Decimal("30.215000"), Decimal("115.085000"))
# Each street's buildings, in a row: the first one's position, the step to the next, and for a compound how
# many stand in a row before the next row begins, and that row's step. 团结巷 and 朝阳路 run east–west south of
# 江滨路, 人民街 north–south along the west edge, 纺织一路 north–south on the east, 纺织二路 east–west in the
# south; 老市委外院 is a compound of two rows between them.
STREET_PLAN = {
    "团结巷": {"first": (-280, -80), "step": (45, 0)},
    "人民街": {"first": (-360, -40), "step": (0, -45)},
    "朝阳路": {"first": (-260, -220), "step": (45, 0)},
    "纺织一路": {"first": (330, -150), "step": (0, -45)},
    "纺织二路": {"first": (30, -380), "step": (45, 0)},
    "老市委外院": {"first": (-270, -330), "step": (45, 0), "per_row": 5, "row_step": (0, -70)},
}


def demo_position(x, y):
    """The (latitude, longitude) of a point ``x`` metres east and ``y`` north of the demo's service centre."""
    return point_at(DEMO_ORIGIN, x, y)


def building_metres(street, number):
    """Where the demo puts building ``number`` of ``street``, in metres from the service centre."""
    plan = STREET_PLAN[street]
    row, place = divmod(number - 1, plan.get("per_row", number))
    (x, y), (dx, dy) = plan["first"], plan["step"]
    row_dx, row_dy = plan.get("row_step", (0, 0))
    return x + place * dx + row * row_dx, y + place * dy + row * row_dy


# The demo accounts: (username, display name, is_superuser, roles)
DEMO_STAFF = [
    ("staff", "刘晓燕", True, []),
    ("editor", "陈思远", False, [roles.EDITOR]),
    ("gridworker", "赵建华", False, [roles.GRID_WORKER, roles.REVIEWER]),
    ("gridworker2", "吴海燕", False, [roles.GRID_WORKER]),
    # Party members: confirms declarations and exports the list of confirmed members.
    ("partyoffice", "周晓梅", False, [roles.PARTY_AFFAIRS]),
]

LOGINS_FILE = "demo-logins.txt"


def load(out):
    grid_workers = _staff_accounts(out)
    for order, (grid_name, description, streets, grid_worker) in enumerate(GRIDS, start=1):
        grid, _created = Grid.objects.get_or_create(
            name=grid_name,
            defaults={"order": order, "description": description, "grid_worker": grid_workers[grid_worker]},
        )
        wanted = grid_workers[grid_worker]
        if grid.grid_worker_id in (None, grid_workers["gridworker"].pk) and grid.grid_worker_id != wanted.pk:
            # An older demo gave every grid to the first grid worker.
            grid.grid_worker = wanted
            grid.save(update_fields=["grid_worker"])
        building_order = 0
        for street, count, households in streets:
            for number in range(1, count + 1):
                building_order += 1
                building, _created = Building.objects.get_or_create(
                    name=f"{street}{number}栋",
                    defaults={"grid": grid, "households": households + (number * 7) % 11, "order": building_order},
                )
                if building.latitude is None:  # positions staff corrected stay
                    building.latitude, building.longitude = demo_position(*building_metres(street, number))
                    building.save(update_fields=["latitude", "longitude"])
    _homes(grid_workers["gridworker"])
    out.write(f"  {Grid.objects.count()} grids, {Building.objects.count()} buildings")


def _homes(grid_worker):
    """The demo resident's home, confirmed by her grid worker, and a neighbour's, waiting for his confirmation."""
    resident = ensure_account("resident", "刘淑芬")
    if not Home.objects.filter(resident=resident).exists():
        Home.set_for(resident, building=Building.objects.get(name="团结巷3栋"), unit="2", room="502").confirm(
            by=grid_worker
        )
    neighbour = plain_account("resident2", "彭桂英")
    if not Home.objects.filter(resident=neighbour).exists():
        Home.set_for(neighbour, building=Building.objects.get(name="人民街2栋"), unit="1", room="301")


def last_notification_id():
    """The newest message so far: the demo dates the messages each step of a story sends after it."""
    return Notification.objects.order_by("-id").values_list("id", flat=True).first() or 0


def demo_password(username):
    """The demo account's password, kept in the git-ignored data folder."""
    path = Path(settings.DATA_DIR) / LOGINS_FILE
    known = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):  # "#" lines: second factors (second_factors)
                name, _sep, password = line.partition(" ")
                known[name] = password.strip()
    if username not in known:
        known[username] = f"{secrets.token_urlsafe(6)}-{secrets.token_urlsafe(6)}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(f"{name} {password}\n" for name, password in known.items()), encoding="utf-8")
        path.chmod(0o600)
    return known[username]


def ensure_account(username, display_name, *, is_staff=False, is_superuser=False, groups=()):
    """Create a demo account (or bring its password in step with the logins file)."""
    User = get_user_model()
    password = demo_password(username)
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"display_name": display_name, "is_staff": is_staff or is_superuser, "is_superuser": is_superuser},
    )
    if created or not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
    if groups:
        user.groups.add(*Group.objects.filter(name__in=groups))
    return user


def plain_account(username, display_name):
    """A demo person who does not log in (no usable password)."""
    user, created = get_user_model().objects.get_or_create(username=username, defaults={"display_name": display_name})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _staff_accounts(out):
    return {
        username: ensure_account(username, name, is_staff=True, is_superuser=superuser, groups=groups)
        for username, name, superuser, groups in DEMO_STAFF
    }


def second_factors():
    """Demo staff who must have a second factor get an authenticator and recovery codes, kept in the logins file.

    The file gives each one's otpauth:// URI (paste it into an authenticator app, or make a QR code of it) and
    recovery codes, so that a fresh `make run` can be signed in to at once. Used codes are topped up.
    """
    path = Path(settings.DATA_DIR) / LOGINS_FILE
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    for username, *_rest in DEMO_STAFF:
        user = get_user_model().objects.get(username=username)
        if not second_factor.must_have(user):
            continue
        device = second_factor.authenticator(user)
        if device is None:
            device = second_factor.start_enrolment(user)
            second_factor.confirm_enrolment(user, device)
        codes = second_factor.recovery_codes(user)
        if len(codes) < second_factor.RECOVERY_CODE_COUNT // 2:
            codes = second_factor.new_recovery_codes(user)
        lines += [
            f"# {username} 两步验证 {second_factor.otpauth_uri(device)}",
            f"# {username} 恢复码 {' '.join(codes)}",
        ]
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")


def print_logins(out):
    path = Path(settings.DATA_DIR) / LOGINS_FILE
    if not path.exists():
        return
    out.write(
        "Demo accounts (username password; for the accounts that need one, the authenticator as an otpauth:// URI"
        " and recovery codes), also in .data/demo-logins.txt:"
    )
    for line in path.read_text(encoding="utf-8").splitlines():
        out.write(f"  {line}")
