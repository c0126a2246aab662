from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from community.admin import AuditedAdminMixin, PhotoUploadAdminMixin, TimelineInline
from lending.models import Item, Loan, LoanTransition


@admin.register(Item)
class ItemAdmin(AuditedAdminMixin, PhotoUploadAdminMixin, admin.ModelAdmin):
    """The lending box's inventory: staff add items, count them and switch them off here.

    How many are available now is never typed: it is the quantity less what is asked for or out.
    """

    photo_fields = {"photo": _("照片")}
    list_display = ("name", "quantity", "available", "collect_at", "deposit", "loan_days", "order", "active")
    list_editable = ("order", "active")
    list_filter = ("active",)
    search_fields = ("name", "description", "collect_at")
    list_select_related = ("photo",)
    fieldsets = (
        (None, {"fields": ("name", "description", "quantity", "collect_at")}),
        (_("押金与借期"), {"fields": ("deposit", "deposit_note", "loan_days")}),
        (_("显示"), {"fields": ("active", "order")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).with_availability()

    @admin.display(description=_("现在可借"), ordering="available")
    def available(self, item):
        return item.available


class LoanTransitionInline(TimelineInline):
    model = LoanTransition


@admin.register(Loan)
class LoanAdmin(admin.ModelAdmin):
    """Loans, to look things up: every step is taken on the portal's pages (借还登记), through the loan's verbs."""

    list_display = ("item", "borrower_name", "status", "requested_at", "due_on", "returned_at")
    list_filter = ("status", "item")
    list_select_related = ("item", "borrower")
    search_fields = ("item__name", "borrower__display_name")
    autocomplete_fields = ("item", "borrower")
    date_hierarchy = "requested_at"
    inlines = [LoanTransitionInline]
    readonly_fields = (
        "item",
        "borrower",
        "status",
        "note",
        "requested_at",
        "handed_over_at",
        "handed_over_by",
        "due_on",
        "returned_at",
        "returned_by",
        "reply",
        "due_reminder_sent_at",
        "overdue_reminder_sent_at",
    )

    @admin.display(description=_("借用人"), ordering="borrower__display_name")
    def borrower_name(self, loan):
        return loan.borrower_name

    def has_add_permission(self, request):
        # A loan starts with a resident's 我想借 (Loan.request), never by hand.
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
