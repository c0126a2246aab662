"""Volunteer pages: teams, workstations, activities with sign-up and check-in, hours, partner units.

Reads are generic views with PageMixin. Changes are POST-only function views:
find the object, check who asks (through the models' helpers), call one model
method and end with ``run_action`` (a refusal becomes a message).
"""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Avg, Count, Exists, OuterRef, Subquery, Sum
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, FormView, ListView, TemplateView

from community import audit
from community.contributions import gather
from community.models import User
from community.pagecache import KeptPage, cached, cached_html, valid_until
from community.pages import ActionFormMixin, PageMixin, form_errors_as_messages, run_action
from community.ratelimit import rate_limited
from community.together import fetch_together, instances
from volunteers import calendar
from volunteers.contributions import team_page, unit_page
from volunteers.forms import (
    AdjustHoursForm,
    ApplicationForm,
    AppointmentForm,
    CheckInCodeForm,
    PhoneSignUpForm,
    ProposeForm,
    RatingForm,
    ReasonForm,
    ReplyForm,
)
from volunteers.models import (
    ACTIVITY_CARD_FIELDS,
    ACTIVITY_CARD_HOSTS,
    SECTION,
    Activity,
    Appointment,
    PartnerUnit,
    SignUp,
    Team,
    TeamMembership,
    Volunteer,
    VolunteerError,
    Workstation,
    honour_roll,
    team_activities,
    upcoming_events,
)


def _volunteer_of(user):
    return Volunteer.objects.filter(user=user).first() if user.is_authenticated else None


class VolunteerIndexView(PageMixin, TemplateView):
    """志愿服务: teams, workstations, upcoming activities, and how to join."""

    template_name = "volunteers/index.html"
    title = _("志愿服务")
    kept_page = KeptPage(sections=(SECTION,))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sections"] = cached_html(
            f"volunteers:index:{timezone.localdate().year}",
            (SECTION,),
            "volunteers/_index_sections.html",
            self.sections_context,
        )
        context["volunteer"] = _volunteer_of(self.request.user)
        return context

    @staticmethod
    def sections_context():
        """Activities, teams and workstations, the same for everyone, in one query."""
        found = fetch_together(
            activities=Activity.objects.for_volunteers().upcoming().values(*ACTIVITY_CARD_FIELDS)[:8],
            teams=Team.objects.active()
            .with_figures()
            .values("id", "name", "description", "member_count", "year_hours"),
            workstations=Workstation.objects.values("id", "name", "services", "leader__display_name"),
        )
        return {
            "activities": instances(Activity, found["activities"], **ACTIVITY_CARD_HOSTS),
            "teams": instances(Team, found["teams"]),
            "workstations": instances(Workstation, found["workstations"], leader=User),
        }


ROSTER_PER_PAGE = 50


def _shown_to_everyone(team):
    """The team page's activities, leaders, figures and the other apps' parts, in one query."""
    gathered = gather(
        team_page,
        team,
        figures=Team.objects.filter(pk=team.pk).with_figures().values("member_count", "total_hours", "year_hours"),
        activities=team_activities(team, timezone.now()).values(*ACTIVITY_CARD_FIELDS, "upcoming"),
        leaders=Volunteer.objects.filter(
            memberships__team=team,
            memberships__status=TeamMembership.Status.ACCEPTED,
            memberships__is_leader=True,
        )
        .order_by("pk")
        .values("id", "show_on_honour_roll", "user__id", "user__display_name", "user__shows_party_badge"),
    )
    activities = instances(Activity, gathered.rows["activities"])
    upcoming = [activity for activity in activities if activity.upcoming]
    past = [activity for activity in reversed(activities) if not activity.upcoming]
    valid_until(min((activity.ends_at for activity in upcoming), default=None))  # it moves to the past then
    figures = gathered.rows["figures"][0] if gathered.rows["figures"] else {}
    return {
        "figures": {
            "member_count": figures.get("member_count") or 0,
            **{name: Decimal(str(figures.get(name) or 0)) for name in ("total_hours", "year_hours")},
        },
        # The same for everyone (each card is rendered with its activity only), and the page's slowest part.
        "activities": render_to_string(
            "volunteers/_team_activities.html", {"team": team, "upcoming": upcoming, "past": past}
        ),
        "leaders": gathered.rows["leaders"],
        "parts": gathered.html,
        "part_figures": gathered.figures,
    }


class TeamView(PageMixin, DetailView):
    """A team's public page: who they are, members, activities, hours; join or manage for those who may.

    Other apps add their parts (the wishes its members fulfilled) through ``team_page``.
    """

    template_name = "volunteers/team_detail.html"
    kept_page = KeptPage(sections=(SECTION,), slots=(team_page,))

    def get_queryset(self):
        return Team.objects.active().select_related("logo")

    def get_title(self):
        return self.object.name

    def get_breadcrumbs(self):
        return [(gettext("志愿服务"), reverse("volunteers:index")), (self.object.name, None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        team, user = self.object, self.request.user
        # What every visitor sees is kept for signed-in visitors too: its figures add up a thousand members'
        # claims and hours.
        shown = cached(f"team-page:{team.pk}", self.kept_page.all_sections(), lambda: _shown_to_everyone(team))
        for name, value in shown["figures"].items():
            setattr(team, name, value)
        context["activities"] = shown["activities"]
        leaders = instances(Volunteer, shown["leaders"], user=User)
        context["parts"] = shown["parts"]
        context["part_figures"] = shown["part_figures"]
        context["leaders"] = leaders
        volunteer = None
        if user.is_authenticated:
            theirs = TeamMembership.objects.filter(team=team, volunteer=OuterRef("pk"))
            volunteer = (
                Volunteer.objects.filter(user=user)
                .annotate(
                    membership_status=Subquery(theirs.values("status")[:1]),
                    leads_this_team=Exists(Team.objects.led_by(user).filter(pk=team.pk)),
                )
                .first()
            )
        # Who may manage the team and see its members' phones is decided from the visitor's own rows, read now:
        # the kept leaders are only shown.
        leading = [volunteer] if volunteer is not None and volunteer.leads_this_team else []
        context["may_manage"] = may_manage = team.may_manage(user, leading)
        if team.member_phones_visible_to(user, leading):
            on_roster = team.memberships.select_related("volunteer__user").order_by("-is_leader", "created", "pk")
            # Join requests are shown (and so logged as seen) to those who may answer them.
            requests = list(on_roster.filter(status=TeamMembership.Status.REQUESTED)) if may_manage else []
            # A big team has a thousand members: its roster comes a page at a time, and only the page shown
            # counts as seen in the contact-view log.
            members = Paginator(on_roster.filter(status=TeamMembership.Status.ACCEPTED), ROSTER_PER_PAGE).get_page(
                self.request.GET.get("page")
            )
            context["members"], context["requests"] = members, requests
            audit.record_contact_views(
                subjects=[m.volunteer.user for m in [*requests, *members]],
                viewer=user,
                viewer_role=gettext("队长") if leading else gettext("社区工作人员"),
                context=gettext("%(team)s队员名单") % {"team": team.name},
            )
        context["volunteer"] = volunteer
        context["membership_status"] = volunteer.membership_status if volunteer else None
        return context


@login_required
@require_POST
def join_team(request, pk):
    team = get_object_or_404(Team.objects.active(), pk=pk)
    volunteer = _volunteer_of(request.user)

    def action():
        if volunteer is None:
            raise VolunteerError(gettext("请先申请成为志愿者。"))
        TeamMembership.request(team=team, volunteer=volunteer)

    return run_action(
        request, action, success=gettext("已提交入队申请，队长同意后您就是队员了。"), back=team.get_absolute_url()
    )


@login_required
@require_POST
def decide_membership(request, pk, accept):
    membership = get_object_or_404(TeamMembership.objects.select_related("team"), pk=pk)
    if not membership.team.may_manage(request.user):
        raise Http404
    return run_action(
        request,
        lambda: membership.decide(by=request.user, accept=accept),
        success=gettext("已同意入队。") if accept else gettext("已处理。"),
        back=membership.team.get_absolute_url(),
    )


class WorkstationView(PageMixin, DetailView):
    """A workstation's page: services, opening hours, place, and (signed in) an appointment request."""

    template_name = "volunteers/workstation_detail.html"
    queryset = Workstation.objects.select_related("leader", "photo").prefetch_related("opening_hours")
    kept_page = KeptPage(sections=(SECTION,))

    def get_title(self):
        return self.object.name

    def get_breadcrumbs(self):
        return [(gettext("志愿服务"), reverse("volunteers:index")), (self.object.name, None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", AppointmentForm(workstation=self.object))
        context["may_manage"] = self.object.may_manage(self.request.user)
        return context


@method_decorator(sensitive_post_parameters("phone"), name="dispatch")
@method_decorator(rate_limited("appointment"), name="dispatch")
class RequestAppointmentView(LoginRequiredMixin, ActionFormMixin, PageMixin, FormView):
    """A resident asks for a time at a workstation (inside its opening hours, not in the past).

    Shown as the workstation's page with the form, and its errors when there are some.
    """

    form_class = AppointmentForm
    template_name = WorkstationView.template_name
    success_message = _("预约已提交，负责人确认后会通知您，也可以在“我的”里查看。")

    def dispatch(self, request, *args, **kwargs):
        self.workstation = get_object_or_404(WorkstationView.queryset, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_title(self):
        return self.workstation.name

    def get_breadcrumbs(self):
        return [(gettext("志愿服务"), reverse("volunteers:index")), (self.workstation.name, None)]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "workstation": self.workstation}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            object=self.workstation,
            workstation=self.workstation,
            may_manage=self.workstation.may_manage(self.request.user),
            **kwargs,
        )

    def perform(self, form):
        Appointment.request(workstation=self.workstation, resident=self.request.user, **form.cleaned_data)
        return self.workstation.get_absolute_url()


class AppointmentsView(LoginRequiredMixin, PageMixin, ListView):
    """The workstation leader's (or staff's) list of appointments to answer."""

    template_name = "volunteers/appointment_list.html"

    def dispatch(self, request, *args, **kwargs):
        self.workstation = get_object_or_404(Workstation, pk=kwargs["pk"])
        if request.user.is_authenticated and not self.workstation.may_manage(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return self.workstation.appointments.select_related("resident").order_by("status", "day", "start")

    def get_title(self):
        return gettext("%(name)s的预约") % {"name": self.workstation.name}

    def get_breadcrumbs(self):
        return [(self.workstation.name, self.workstation.get_absolute_url()), (gettext("预约"), None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["workstation"] = self.workstation
        context["reply_form"] = ReplyForm()
        context["propose_form"] = ProposeForm()
        audit.record_contact_views(
            subjects=[a.resident for a in context["object_list"] if a.phone],
            viewer=self.request.user,
            viewer_role=gettext("工作室负责人或社区工作人员"),
            context=gettext("%(name)s的预约") % {"name": self.workstation.name},
        )
        return context


@login_required
@require_POST
def answer_appointment(request, pk, answer):
    appointment = get_object_or_404(Appointment.objects.select_related("workstation"), pk=pk)
    if not appointment.workstation.may_manage(request.user):
        raise Http404
    form = (ProposeForm if answer == "propose" else ReplyForm)(request.POST)
    actions = {
        "confirm": lambda: appointment.confirm(by=request.user, reply=form.cleaned_data.get("reply", "")),
        "decline": lambda: appointment.decline(by=request.user, reply=form.cleaned_data.get("reply", "")),
        "propose": lambda: appointment.propose(by=request.user, **form.cleaned_data),
    }
    return run_action(
        request,
        actions[answer],
        form=form,
        success=gettext("已回复居民。"),
        back=reverse("volunteers:appointments", kwargs={"pk": appointment.workstation_id}),
    )


@login_required
@require_POST
def resident_appointment(request, pk, answer):
    """The resident accepts a proposed time or cancels their appointment."""
    appointment = get_object_or_404(Appointment, pk=pk, resident=request.user)
    action = appointment.accept_proposal if answer == "accept" else appointment.cancel
    return run_action(request, lambda: action(by=request.user), success=gettext("已更新预约。"), back=reverse("me"))


class ActivityView(PageMixin, DetailView):
    """An activity: when, where, places left, sign-up (or the waiting list) and cancel; the visitor's own check-in
    code and, after it, a rating; the check-in link for the host and staff."""

    template_name = "volunteers/activity_detail.html"
    kept_page = KeptPage(sections=(SECTION,))

    def get_queryset(self):
        # A party day (the party app's row, reached by its reverse name) comes along: its theme and priority show.
        return Activity.objects.select_related(
            "team", "workstation", "partner_unit", "branch", "party_day__article", "cover"
        )

    def get_title(self):
        return self.object.title

    def get_breadcrumbs(self):
        activity = self.object
        if activity.branch_id:
            return [(activity.branch.name, activity.branch.get_absolute_url()), (activity.title, None)]
        if activity.audience == Activity.Audience.VOLUNTEERS and activity.team_id:
            return [
                (gettext("志愿服务"), reverse("volunteers:index")),
                (activity.team.name, activity.team.get_absolute_url()),
                (activity.title, None),
            ]
        return [(gettext("活动"), reverse("volunteers:events")), (activity.title, None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        activity, user = self.object, self.request.user
        volunteer = my_signup = None
        leads = False
        if user.is_authenticated:
            # The visitor's own standing in one query: volunteer, their sign-up, whether they lead the team.
            found = fetch_together(
                me=Volunteer.objects.filter(user=user).values("id", "status"),
                signup=activity.signups.filter(person=user)
                .exclude(status=SignUp.Status.CANCELLED)
                .values("id", "status", "code", "created", "attended", "rating", "activity_id"),
                leads=Team.objects.led_by(user).filter(pk=activity.team_id or 0).values("id"),
            )
            volunteer = instances(Volunteer, found["me"])[0] if found["me"] else None
            my_signup = instances(SignUp, found["signup"])[0] if found["signup"] else None
            leads = bool(found["leads"])
        if my_signup is not None and my_signup.status == SignUp.Status.WAITING:
            my_signup.position = my_signup.waiting_position()
        context["volunteer"] = volunteer
        context["my_signup"] = my_signup
        context["may_sign_up"] = activity.admits(user, volunteer=volunteer)
        context["places_left"] = activity.places_left
        context["may_check_in"] = activity.may_check_in(user, leads=leads)
        if my_signup is not None and my_signup.attended and my_signup.rating is None:
            context["rating_form"] = RatingForm()
        if context["may_check_in"]:
            context["ratings"] = activity.signups.filter(rating__isnull=False).aggregate(
                average=Avg("rating"), count=Count("id")
            )
        return context


class EventListView(PageMixin, ListView):
    """活动: upcoming events for residents (and everyone), soonest first, with places left or the waiting list."""

    template_name = "volunteers/event_list.html"
    title = _("活动")
    kept_page = KeptPage(sections=(SECTION,))

    def get_queryset(self):
        return upcoming_events().values(*ACTIVITY_CARD_FIELDS, "waiting_count")[:50]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["events"] = instances(Activity, context["object_list"], **ACTIVITY_CARD_HOSTS)
        return context


@login_required
@require_POST
@rate_limited("signup")
def sign_up(request, pk):
    activity = get_object_or_404(Activity, pk=pk)

    def action():
        signup = activity.sign_up(person=request.user)
        if signup.status == SignUp.Status.WAITING:
            messages.info(request, gettext("名额已满，您已排在候补名单上，有人取消时会按顺序递补并通知您。"))

    return run_action(
        request,
        action,
        success=gettext("报名成功！请按时参加。"),
        back=activity.get_absolute_url(),
    )


@login_required
@require_POST
def cancel_sign_up(request, pk):
    activity = get_object_or_404(Activity, pk=pk)

    def action():
        signup = (
            SignUp.objects.filter(activity=activity, person=request.user, status__in=SignUp.LIVE)
            .select_related("activity__team", "volunteer")
            .first()
        )
        if signup is None:
            raise VolunteerError(gettext("您没有报名这个活动。"))
        signup.cancel(by=request.user)

    return run_action(request, action, success=gettext("已取消报名。"), back=activity.get_absolute_url())


@login_required
@require_POST
def rate_activity(request, pk):
    """An attendee rates the activity once after it ended."""
    signup = get_object_or_404(
        SignUp.objects.select_related("activity"), activity_id=pk, person=request.user, status=SignUp.Status.SIGNED_UP
    )
    form = RatingForm(request.POST)
    return run_action(
        request,
        lambda: signup.rate(by=request.user, **form.cleaned_data),
        form=form,
        success=gettext("谢谢您的评价！"),
        back=signup.activity.get_absolute_url(),
    )


class CheckInView(LoginRequiredMixin, PageMixin, DetailView):
    """The phone-friendly check-in page for the host or staff: enter an attendee's code, or tap their name;
    sign up a resident who phoned; the waiting list in order.

    Names for the host; phones masked, except for staff (and a team's leaders for their volunteers, as before),
    whose views of full phones are recorded.
    """

    template_name = "volunteers/check_in.html"

    def get_queryset(self):
        return Activity.objects.select_related("team", "workstation", "partner_unit")

    def get_object(self, queryset=None):
        activity = super().get_object(queryset)
        if not activity.may_check_in(self.request.user):
            raise PermissionDenied
        return activity

    def get_title(self):
        return gettext("签到：%(title)s") % {"title": self.object.title}

    def get_breadcrumbs(self):
        return [(self.object.title, self.object.get_absolute_url()), (gettext("签到"), None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        activity, user = self.object, self.request.user
        live = list(
            activity.signups.filter(status__in=SignUp.LIVE)
            .select_related("volunteer__user", "person")
            .order_by("created", "id")
        )
        hours = dict(
            activity.hour_records.values_list("volunteer")
            .annotate(total=Sum("hours"))
            .values_list("volunteer", "total")
        )
        full = activity.full_phones_visible_to(user)
        for signup in live:
            signup.credited = hours.get(signup.volunteer_id, Decimal("0"))
            signup.phone_shown = signup.phone if full else signup.masked_phone
        if full:
            audit.record_contact_views(
                subjects=[s.person or s for s in live if s.phone],
                viewer=user,
                viewer_role=gettext("社区工作人员") if user.is_staff else gettext("队长"),
                context=gettext("签到：%(title)s") % {"title": activity.title},
            )
        signups = [s for s in live if s.status == SignUp.Status.SIGNED_UP]
        context["signups"] = signups
        context["waiting"] = [s for s in live if s.status == SignUp.Status.WAITING]
        context["present"] = sum(1 for s in signups if s.attended)
        context["adjust_form"] = AdjustHoursForm()
        context["code_form"] = CheckInCodeForm()
        context["phone_form"] = PhoneSignUpForm()
        context["ratings"] = activity.signups.filter(rating__isnull=False).aggregate(
            average=Avg("rating"), count=Count("id")
        )
        return context


def _activity_for_check_in(request, pk):
    """The activity, if ``request.user`` may check people in (its host, staff); others get 404."""
    activity = get_object_or_404(Activity.objects.select_related("team", "workstation", "partner_unit"), pk=pk)
    if not activity.may_check_in(request.user):
        raise Http404
    return activity


@login_required
@require_POST
def check_in(request, pk, signup_pk, present):
    signup = get_object_or_404(
        SignUp.objects.select_related("activity__team", "volunteer", "person"), pk=signup_pk, activity_id=pk
    )
    if not signup.activity.may_check_in(request.user):
        raise Http404
    action = (lambda: signup.check_in(by=request.user)) if present else (lambda: signup.undo_check_in(by=request.user))
    return run_action(
        request,
        action,
        success=gettext("已签到：%(name)s") % {"name": signup.name} if present else gettext("已撤销签到。"),
        back=reverse("volunteers:check_in", kwargs={"pk": pk}),
    )


@login_required
@require_POST
def check_in_by_code(request, pk):
    """The host or staff enter the code an attendee shows."""
    activity = _activity_for_check_in(request, pk)
    form = CheckInCodeForm(request.POST)
    if not form.is_valid():
        form_errors_as_messages(request, form)
    else:
        try:
            signup = SignUp.check_in_by_code(activity=activity, code=form.cleaned_data["code"], by=request.user)
        except VolunteerError as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, gettext("已签到：%(name)s") % {"name": signup.name})
    return HttpResponseRedirect(reverse("volunteers:check_in", kwargs={"pk": pk}))


@method_decorator(sensitive_post_parameters("contact_phone"), name="dispatch")
class PhoneSignUpView(LoginRequiredMixin, ActionFormMixin, PageMixin, FormView):
    """Staff or the host sign up a resident who phoned: her account when her number is her login, else her name
    and number. Shown as a page of its own when the form has errors, with what was typed."""

    form_class = PhoneSignUpForm
    template_name = "volunteers/phone_sign_up.html"
    success_message = _("已替居民报名。")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.activity = _activity_for_check_in(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return HttpResponseRedirect(reverse("volunteers:check_in", kwargs={"pk": self.activity.pk}))

    def get_title(self):
        return gettext("电话报名：%(title)s") % {"title": self.activity.title}

    def get_breadcrumbs(self):
        return [
            (self.activity.title, self.activity.get_absolute_url()),
            (gettext("签到"), reverse("volunteers:check_in", kwargs={"pk": self.activity.pk})),
            (gettext("电话报名"), None),
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(activity=self.activity, **kwargs)

    def perform(self, form):
        phone = form.cleaned_data["contact_phone"]
        person = User.objects.filter(username=phone, is_active=True).first()
        signup = self.activity.sign_up(
            person=person,
            by=self.request.user,
            contact_name="" if person else form.cleaned_data["contact_name"],
            contact_phone="" if person else phone,
        )
        if signup.status == SignUp.Status.WAITING:
            self.success_message = gettext("名额已满，已替居民排上候补（第 %(n)s 位）。") % {
                "n": signup.waiting_position()
            }
        return reverse("volunteers:check_in", kwargs={"pk": self.activity.pk})


@login_required
@require_POST
def cancel_for_resident(request, pk, signup_pk):
    """The host or staff cancel a sign-up (a resident phoned to say she cannot come)."""
    activity = _activity_for_check_in(request, pk)
    signup = get_object_or_404(
        SignUp.objects.select_related("activity", "volunteer", "person"), pk=signup_pk, activity=activity
    )
    return run_action(
        request,
        lambda: signup.cancel(by=request.user),
        success=gettext("已取消%(name)s的报名。") % {"name": signup.name},
        back=reverse("volunteers:check_in", kwargs={"pk": pk}),
    )


@permission_required("community.call_residents", raise_exception=True)
@require_POST
def signup_phoned(request, pk):
    """On the call list: staff phoned a resident signed up by phone (no account) about her event."""
    signup = get_object_or_404(SignUp.objects.needing_a_call(), pk=pk)
    signup.mark_phoned(by=request.user)
    messages.success(request, gettext("已登记：电话通知了%(name)s。") % {"name": signup.contact_name})
    return HttpResponseRedirect(reverse("call_list"))


@login_required
@require_POST
def close_check_in(request, pk):
    activity = _activity_for_check_in(request, pk)
    return run_action(
        request,
        lambda: activity.close_check_in(by=request.user),
        success=gettext("签到已结束，时长已记入每位到场志愿者。"),
        back=reverse("volunteers:check_in", kwargs={"pk": pk}),
    )


@login_required
@require_POST
def adjust_hours(request, pk, volunteer_pk):
    activity = _activity_for_check_in(request, pk)
    volunteer = get_object_or_404(Volunteer, pk=volunteer_pk)
    form = AdjustHoursForm(request.POST)
    return run_action(
        request,
        lambda: activity.adjust_hours(by=request.user, volunteer=volunteer, **form.cleaned_data),
        form=form,
        success=gettext("已调整时长，原记录保留。"),
        back=reverse("volunteers:check_in", kwargs={"pk": pk}),
    )


@method_decorator(sensitive_post_parameters("real_name", "phone"), name="dispatch")
class ApplyView(LoginRequiredMixin, ActionFormMixin, PageMixin, FormView):
    """A resident applies to volunteer; staff review the application."""

    form_class = ApplicationForm
    template_name = "volunteers/apply.html"
    title = _("申请成为志愿者")
    breadcrumbs = ((_("志愿服务"), reverse_lazy("volunteers:index")), (title, None))
    success_message = _("申请已提交，社区工作人员审核后会通知您。")

    def get_context_data(self, **kwargs):
        return super().get_context_data(existing=_volunteer_of(self.request.user), **kwargs)

    def perform(self, form):
        data = dict(form.cleaned_data)
        data.pop("accept_terms")
        Volunteer.apply(user=self.request.user, teams=data.pop("teams"), **data)
        return reverse("me")


class TermsView(PageMixin, TemplateView):
    template_name = "volunteers/terms.html"
    title = _("志愿者守则")
    kept_page = KeptPage()


class ApplicationsView(PermissionRequiredMixin, PageMixin, ListView):
    """Staff review of volunteer applications, oldest first."""

    permission_required = "volunteers.review_volunteer"
    template_name = "volunteers/application_list.html"
    title = _("志愿者申请审核")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        audit.record_contact_views(
            subjects=[v.user for v in context["object_list"]],
            viewer=self.request.user,
            viewer_role=gettext("社区工作人员"),
            context=gettext("志愿者申请审核"),
        )
        return context

    def get_queryset(self):
        return (
            Volunteer.objects.filter(status=Volunteer.Status.APPLIED)
            .select_related("user")
            .prefetch_related("wanted_teams")
            .order_by("applied_at")
        )


@permission_required("volunteers.review_volunteer", raise_exception=True)
@require_POST
def decide_application(request, pk, approve):
    volunteer = get_object_or_404(Volunteer, pk=pk)
    back = reverse("volunteers:applications")
    if approve:
        return run_action(
            request, lambda: volunteer.approve(by=request.user), success=gettext("已通过申请。"), back=back
        )
    form = ReasonForm(request.POST)
    return run_action(
        request,
        lambda: volunteer.reject(by=request.user, reason=form.cleaned_data["reason"]),
        form=form,
        success=gettext("已退回申请。"),
        back=back,
    )


class HonourRollView(PageMixin, TemplateView):
    """光荣榜: volunteers and teams by service hours this year."""

    template_name = "volunteers/honour_roll.html"
    title = _("志愿服务光荣榜")
    breadcrumbs = ((_("志愿服务"), reverse_lazy("volunteers:index")), (title, None))
    kept_page = KeptPage(sections=(SECTION,))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = timezone.localdate().year
        # Kept as HTML: the ranking's objects carry more about each volunteer than the page shows.
        context["year"] = year
        context["roll"] = cached_html(
            f"volunteers:honour_roll:{year}", (SECTION,), "volunteers/_honour_roll.html", lambda: honour_roll(year)
        )
        return context


class ServiceRecordView(LoginRequiredMixin, PageMixin, DetailView):
    """A printable service record: the volunteer's activities and hours, with the community's name and date.

    The volunteer sees their own; staff who manage volunteers see anyone's.
    """

    template_name = "volunteers/service_record.html"
    title = _("志愿服务记录")

    def get_object(self, queryset=None):
        user = self.request.user
        if "pk" not in self.kwargs:
            volunteer = Volunteer.objects.filter(user=user).select_related("user").first()
            if volunteer is None:
                raise Http404
            return volunteer
        volunteer = get_object_or_404(Volunteer.objects.select_related("user"), pk=self.kwargs["pk"])
        if volunteer.user_id != user.pk and not (user.is_staff and user.has_perm("volunteers.view_volunteer")):
            raise Http404
        return volunteer

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        volunteer = self.object
        context["records"] = volunteer.hour_records.select_related(
            "activity__team", "activity__workstation", "activity__partner_unit"
        ).order_by("served_on", "id")
        context["hours"] = volunteer.hours()
        context["today"] = timezone.localdate()
        return context


class PartnerUnitListView(PageMixin, ListView):
    template_name = "volunteers/partnerunit_list.html"
    title = _("共建单位")
    breadcrumbs = ((_("志愿服务"), reverse_lazy("volunteers:index")), (title, None))
    queryset = PartnerUnit.objects.approved().select_related("logo")
    kept_page = KeptPage(sections=(SECTION,))


class PartnerUnitView(PageMixin, DetailView):
    """A partner unit's public page; other apps add what it did (wishes, whistles) through ``unit_page``."""

    template_name = "volunteers/partnerunit_detail.html"
    queryset = PartnerUnit.objects.approved().select_related("logo")
    kept_page = KeptPage(sections=(SECTION,), slots=(unit_page,))

    def get_title(self):
        return self.object.name

    def get_breadcrumbs(self):
        return [(gettext("共建单位"), reverse("volunteers:units")), (self.object.name, None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        gathered = gather(unit_page, self.object)
        context["parts"] = gathered.html
        context["part_figures"] = gathered.figures
        return context


def calendar_feed(request, pk=None):
    """An .ics calendar of upcoming activities: all teams, or one."""
    activities = Activity.objects.upcoming().select_related("team", "workstation", "partner_unit")
    name = gettext("社区志愿活动")
    if pk is not None:
        team = get_object_or_404(Team.objects.active(), pk=pk)
        activities, name = activities.filter(team=team), team.name
    body = calendar.render(activities[:200], name=name, base_url=request.build_absolute_uri("/")[:-1])
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="activities.ics"'
    return response
