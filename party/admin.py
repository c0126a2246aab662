"""The party's admin pages. (Party members' declarations live on the ground floor, community.PartyMembership, but
are decided through party.services, so their admin is registered here.)"""

from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from community.admin import AuditedAdminMixin
from community.lifecycle import NotAllowed
from community.models import PartyMembership, PartyMembershipError
from party.models import FeedbackSheet, InServiceMember, PartyDay, ServicePost
from party.services import membership_confirm

# --- Party members: declarations, seen only by staff holding community.confirm_partymembership ------------------


@admin.register(PartyMembership)
class PartyMembershipAdmin(admin.ModelAdmin):
    """Declared party memberships (sensitive personal data): read and confirmed here by staff who hold the
    permission; the member declares, corrects and withdraws on his own page, so nothing is added or edited here."""

    list_display = ("member_name", "organisation", "branch", "joined_year", "status", "shows_badge", "declared_at")
    list_filter = ("status", "branch", "shows_badge")
    list_select_related = ("member", "branch")
    search_fields = ("member__display_name", "organisation", "branch__name")
    readonly_fields = (
        "member",
        "branch",
        "organisation",
        "joined_year",
        "consent_at",
        "status",
        "shows_badge",
        "declared_at",
        "decided_at",
        "decided_by",
        "decision_note",
    )
    actions = ["confirm_selected"]

    @admin.display(description=_("党员"), ordering="member__display_name")
    def member_name(self, membership):
        return membership.member.display_name

    def _holds(self, request):
        return request.user.is_active and request.user.has_perm("community.confirm_partymembership")

    def has_module_permission(self, request):
        return self._holds(request)

    def has_view_permission(self, request, obj=None):
        return self._holds(request)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("确认所选党员身份"))
    def confirm_selected(self, request, queryset):
        confirmed = 0
        for membership in queryset.filter(status=PartyMembership.Status.DECLARED):
            try:
                membership_confirm(membership=membership, by=request.user)
            except PartyMembershipError as refusal:
                self.message_user(request, refusal.message, level="error")
            else:
                confirmed += 1
        self.message_user(request, gettext("已确认 %(n)d 份党员身份申报。") % {"n": confirmed})

    def get_actions(self, request):
        # Actions are offered by Django only with a change permission; confirming is this permission's own.
        actions = super().get_actions(request)
        return actions if self._holds(request) else {}


# --- Party days (主题党日) -----------------------------------------------------------------------------------------


@admin.register(PartyDay)
class PartyDayAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Party days are planned and summarised by the branch secretary on the site; staff correct them here. The
    event itself (time, place, sign-ups) is edited as an activity."""

    list_display = ("theme", "branch", "starts_at", "priority", "has_summary", "article")
    list_filter = ("priority", "activity__branch")
    list_select_related = ("activity__branch", "article")
    search_fields = ("theme", "summary", "activity__title", "activity__branch__name")
    autocomplete_fields = ("activity", "article")
    raw_id_fields = ("photos",)
    readonly_fields = ("summary_by", "summary_at")
    date_hierarchy = "activity__starts_at"

    @admin.display(description=_("党支部"), ordering="activity__branch__name")
    def branch(self, party_day):
        return party_day.activity.branch

    @admin.display(description=_("时间"), ordering="activity__starts_at")
    def starts_at(self, party_day):
        return party_day.activity.starts_at

    @admin.display(description=_("已总结"), boolean=True)
    def has_summary(self, party_day):
        return party_day.summary_at is not None


# --- 双报到: service posts, in-service members, feedback sheets -----------------------------------------------


@admin.register(ServicePost)
class ServicePostAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "order", "active")
    list_editable = ("order", "active")
    list_filter = ("active",)
    search_fields = ("name", "description")


class FeedbackSheetInline(admin.StackedInline):
    model = FeedbackSheet
    extra = 0
    fields = ("year", "evaluation", "written_by", "seen_at", "member_remark", "printed_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # written on the units page, where the member is told


@admin.register(InServiceMember)
class InServiceMemberAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("person", "unit", "position", "status", "registered_at")
    list_filter = ("status", "unit", "posts")
    list_select_related = ("person", "unit")
    search_fields = ("person__display_name", "unit__name", "position", "skills")
    autocomplete_fields = ("person", "unit")
    filter_horizontal = ("posts",)
    readonly_fields = ("status", "registered_at", "decided_at", "decided_by", "decision_note")
    inlines = [FeedbackSheetInline]
    actions = ["approve"]

    @admin.action(description=_("通过所选的报到"), permissions=["change"])
    def approve(self, request, queryset):
        done = 0
        for member in queryset:
            try:
                member.approve(by=request.user)
                done += 1
            except NotAllowed as refusal:
                self.message_user(request, f"{member}：{refusal.message}", messages.WARNING)
        self.message_user(request, _("已通过 %(n)d 份报到。") % {"n": done})


@admin.register(FeedbackSheet)
class FeedbackSheetAdmin(admin.ModelAdmin):
    list_display = ("member", "year", "seen_at", "printed_at")
    list_filter = ("year",)
    list_select_related = ("member__person", "member__unit")
    search_fields = ("member__person__display_name", "member__unit__name")
    autocomplete_fields = ("member",)
    readonly_fields = ("written_by", "written_at", "seen_at", "member_remark", "printed_at")

    def has_add_permission(self, request):
        return False  # written on the units page (party:units), where the member is told

    def has_change_permission(self, request, obj=None):
        return False
