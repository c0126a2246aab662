"""The lending box's part of the portal walk (tests/test_authorization.py, test_reachability.py, test_hostile_input.py):
its objects, and its rows of the authorization table."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from lending.models import Item, Loan

PLACE = "社区党群服务中心一楼服务台"
# The staff who hand items over and take them back: their pages show those forms.
HANDLES_LOANS = {"grid_worker", "staff"}


def add_lending_world(w):
    """Items to borrow, and the resident's loans: one waiting to be handed over, one out."""
    umbrella = Item.objects.create(name="雨伞", quantity=5, collect_at=PLACE, loan_days=7)
    wheelchair = Item.objects.create(name="轮椅", quantity=2, collect_at=PLACE, deposit=200, loan_days=14)
    w["lending_item"] = Item.objects.create(name="老花镜", quantity=6, collect_at=PLACE, loan_days=30)
    w["loan_requested"] = Loan.request(item=umbrella, by=w["resident"], note="下午来拿")
    out = Loan.request(item=wheelchair, by=w["resident"])
    out.hand_over(by=w["staff"], due_on=timezone.localdate() + timedelta(days=10))
    w["loan_out"] = out


def lending_rows(w, expect):
    """The lending box's URLs: (method, url, POST data or None, expected status per role)."""
    staff_step = expect(403, anonymous=302, staff=302, grid_worker=302)
    requested, out = w["loan_requested"].pk, w["loan_out"].pk
    due_on = (timezone.localdate() + timedelta(days=7)).isoformat()
    return {
        "lending:box": ("get", reverse("lending:box"), None, expect(200)),
        "lending:item": ("get", reverse("lending:item", kwargs={"pk": w["lending_item"].pk}), None, expect(200)),
        "lending:request": (
            "post",
            reverse("lending:request", kwargs={"pk": w["lending_item"].pk}),
            {"note": ""},
            expect(302),
        ),
        "lending:mine": ("get", reverse("lending:mine"), None, expect(200, anonymous=302)),
        "lending:desk": ("get", reverse("lending:desk"), None, expect(403, anonymous=302, staff=200, grid_worker=200)),
        "lending:loan": (
            "get",
            reverse("lending:loan", kwargs={"pk": requested}),
            None,
            expect(404, anonymous=302, resident=200, staff=200, grid_worker=200),
        ),
        "lending:cancel": (
            "post",
            reverse("lending:cancel", kwargs={"pk": requested}),
            {},
            expect(404, anonymous=302, resident=302, staff=302, grid_worker=302),
        ),
        "lending:hand_over": (
            "post",
            reverse("lending:hand_over", kwargs={"pk": requested}),
            {"due_on": due_on},
            staff_step,
        ),
        "lending:decline": (
            "post",
            reverse("lending:decline", kwargs={"pk": requested}),
            {"reason": "送去维修了"},
            staff_step,
        ),
        "lending:record_return": (
            "post",
            reverse("lending:record_return", kwargs={"pk": out}),
            {"note": ""},
            staff_step,
        ),
    }
