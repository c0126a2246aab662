from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from community import audit
from community.admin import AuditedAdminMixin, ContactDetailsAdminMixin, ReadOnlyInline, TimelineInline
from wishes.models import Wish, WishClaim, WishError, WishTransition


class WishTransitionInline(TimelineInline):
    model = WishTransition


class WishClaimInline(ReadOnlyInline):
    model = WishClaim
    fields = ("created", "claimant", "unit", "ended_at", "end_reason", "note")


@admin.register(Wish)
class WishAdmin(ContactDetailsAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    """Staff see and correct wishes here; status changes go through the model's methods (actions)."""

    contact_fields = ("contact_phone", "contact_address")
    list_display = ("title", "category", "status", "building", "resident", "masked_phone", "created")
    list_filter = ("status", "category", "building__grid", "created")
    list_select_related = ("building", "owner")
    search_fields = ("title", "description", "resident_name", "owner__display_name")
    autocomplete_fields = ("building", "owner")
    date_hierarchy = "created"
    inlines = [WishClaimInline, WishTransitionInline]
    actions = ["publish_selected"]
    readonly_fields = (
        "status",
        "live_claim",
        "entered_by",
        "photo",
        "fulfil_photo",
        "created",
        "published_at",
        "fulfilled_at",
        "confirmed_at",
        "finished_at",
        "contact_erased_at",
    )
    fieldsets = (
        (None, {"fields": ("title", "category", "description", "needed_by", "building", "status")}),
        (_("居民"), {"fields": ("owner", "resident_name", "entered_by", "consent_note", "health_consent")}),
        (_("联系方式（不公开）"), {"fields": ("contact_phone", "contact_address", "contact_erased_at")}),
        (_("认领与实现"), {"fields": ("live_claim", "fulfil_note", "thanks", "thanks_hidden_reason")}),
        (_("时间"), {"fields": ("created", "published_at", "fulfilled_at", "confirmed_at", "finished_at")}),
    )

    @admin.display(description=_("居民"))
    def resident(self, wish):
        return wish.owner.display_name if wish.owner_id else f"{wish.resident_name}(代录)"

    @admin.display(description=_("电话"))
    def masked_phone(self, wish):
        return wish.masked_phone

    @admin.action(description=_("审核通过并发布所选心愿"), permissions=["review"])
    def publish_selected(self, request, queryset):
        done = 0
        for wish in queryset:
            try:
                wish.publish(by=request.user)
                done += 1
            except WishError as error:
                messages.warning(request, f"{wish.title}：{error.message}")
        messages.success(request, _("已发布 %(n)d 个心愿。") % {"n": done})

    def has_review_permission(self, request):
        return request.user.has_perm("wishes.review_wish")

    def save_model(self, request, obj, form, change):
        """Giving a wish entered for a resident (代录) its owner here is ``Wish.attach_to`` by hand: the views of
        its contact details become the owner's."""
        super().save_model(request, obj, form, change)
        if change and "owner" in form.changed_data and obj.owner_id:
            audit.pass_contact_views(record=obj, to=obj.owner)


@admin.register(WishClaim)
class WishClaimAdmin(admin.ModelAdmin):
    list_display = ("wish", "claimant", "unit", "created", "ended_at", "end_reason")
    list_filter = ("end_reason", "unit")
    list_select_related = ("wish", "claimant", "unit")
    search_fields = ("wish__title", "claimant__display_name", "unit__name")
    readonly_fields = ("wish", "claimant", "unit", "created", "ended_at", "end_reason", "note")

    def has_add_permission(self, request):
        # Claims are made on the wish page (Wish.claim), never by hand.
        return False
