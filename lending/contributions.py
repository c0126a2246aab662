"""What the lending box adds to other pages: the home page, 我的 (a panel and queues), personal data."""

import contextlib

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from community.contributions import (
    Part,
    Queue,
    export_time,
    home_page,
    personal_data_erase,
    personal_data_export,
    workbench,
    workbench_queues,
)
from community.together import count_of, first_n, instances
from lending.models import DELETED_BORROWER, SECTION, Item, LendingError, Loan, may_handle_loans

# --- The home page ------------------------------------------------------------------------

HOME_ITEMS = 6

home_page.register(
    Part(
        name="lending",
        template="lending/_home_section.html",
        rows=lambda year_start: {
            "items": Item.objects.available_now()
            .order_by("order", "name")
            .values("id", "name", "available")[:HOME_ITEMS],
            "count": count_of(Item.objects.available_now()),
        },
        context=lambda rows, year_start: {
            "items": instances(Item, rows["items"]),
            "more": first_n(rows["count"]) - len(rows["items"]),
        },
        section=SECTION,
        order=40,
    )
)


# --- 我的 ----------------------------------------------------------------------------------


def _panel_rows(user):
    return {
        "live": Loan.objects.live()
        .filter(borrower=user)
        .marking_overdue()
        .order_by("requested_at", "id")
        .values("id", "status", "due_on", "is_overdue", "item__name")
    }


workbench.register(
    Part(
        name="lending",
        template="lending/_me_section.html",
        rows=_panel_rows,
        context=lambda rows, user: {
            "loans": instances(Loan, rows["live"], item=Item),
            "handles_loans": may_handle_loans(user),
        },
        order=20,
    )
)


def _loan_link(row):
    return reverse("lending:loan", kwargs={"pk": row["id"]})


def _item_and_borrower(row):
    return f"{row['item__name']} · {row['borrower__display_name'] or DELETED_BORROWER}"


workbench_queues.register(
    Queue(
        name="loans_overdue_mine",
        label=_("借用的物品已过归还日期"),
        items=lambda user: Loan.objects.overdue().filter(borrower=user).order_by("due_on", "id"),
        fields=("id", "item__name"),
        describe=lambda row: row["item__name"],
        link=_loan_link,
        url="lending:mine",
        section=SECTION,
        order=4,
    )
)
workbench_queues.register(
    Queue(
        name="loans_to_hand_over",
        label=_("待借出的百宝箱物品"),
        staff_permission="lending.handle_loan",
        items=lambda user: Loan.objects.waiting_for_hand_over().order_by("requested_at", "id"),
        fields=("id", "item__name", "borrower__display_name"),
        describe=_item_and_borrower,
        link=_loan_link,
        url="lending:desk",
        section=SECTION,
        order=36,
    )
)
workbench_queues.register(
    Queue(
        name="loans_overdue",
        label=_("逾期未还的百宝箱物品"),
        staff_permission="lending.handle_loan",
        items=lambda user: Loan.objects.overdue().order_by("due_on", "id"),
        fields=("id", "item__name", "borrower__display_name"),
        describe=_item_and_borrower,
        link=_loan_link,
        url="lending:desk",
        section=SECTION,
        order=37,
    )
)


# --- Personal data -------------------------------------------------------------------------


@personal_data_export.register
def export_loans(user):
    return {
        "loans": [
            {
                "item": loan.item.name,
                "status": loan.get_status_display(),
                "note": loan.note,
                "requested": export_time(loan.requested_at),
                "handed_over": export_time(loan.handed_over_at),
                "due_on": loan.due_on.isoformat() if loan.due_on else None,
                "returned": export_time(loan.returned_at),
                "reason_not_lent": loan.reply,
            }
            for loan in Loan.objects.filter(borrower=user).select_related("item").order_by("requested_at", "id")
        ]
    }


@personal_data_erase.register
def erase_loans(user):
    """Requests not yet collected are cancelled; every loan stays (an item out must still come back) under no name,
    without her note."""
    for loan in Loan.objects.filter(borrower=user, status=Loan.Status.REQUESTED):
        with contextlib.suppress(LendingError):  # handed over in the meantime; anonymised below all the same
            loan.cancel(by=user)
    Loan.objects.filter(borrower=user).update(borrower=None, note="")
