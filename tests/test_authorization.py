"""Every URL of the portal, walked as every role, against a hand-written table of who may do what.

A URL pattern that is missing from TABLE fails the suite, so a new view cannot
forget its check. Each request runs in its own savepoint and is rolled back,
so that one role's POST never changes what the next role sees. Every page a
role may open is also searched for the private data it must not contain.
"""

from datetime import time, timedelta

from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.test import TestCase
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from community.images import store_upload
from community.models import Home, Notification, PartyMembership
from community.notifications import notify
from news.models import Article
from party.models import FeedbackSheet, InServiceMember, ServicePost
from places.models import PlaceReport
from tests.factories import (
    ActivityFactory,
    ArticleFactory,
    BuildingFactory,
    ColumnFactory,
    PartnerUnitFactory,
    PartyBranchFactory,
    PartyDayFactory,
    PartyMembershipFactory,
    PlaceFactory,
    StaffFactory,
    TeamFactory,
    UserFactory,
    VolunteerFactory,
    WorkstationFactory,
    add_hours,
    add_member,
)
from tests.images import upload
from tests.lending.world import add_lending_world, lending_rows
from tests.signing_in import sign_in
from volunteers.models import Appointment, OpeningHours, PartnerMembership, PartnerUnit, SignUp, TeamMembership
from whistles.models import Category as ProblemCategory
from whistles.models import ProblemReport, Rating, Whistle
from wishes.models import Wish

ROLES = [
    "anonymous",
    "resident",
    "other_resident",
    "volunteer",
    "other_volunteer",
    "team_leader",
    "workstation_leader",
    "unit_member",
    "editor",
    "grid_worker",
    "staff",
    "secretary",  # a grid branch's secretary (party days)
    # 双报到: a confirmed party member registered from the partner unit; the unit's contact person.
    "in_service_member",
    "unit_contact",
]

RESIDENT_PHONE = "13800001111"
RESIDENT_ADDRESS = "团结巷3栋9单元909"
VOLUNTEER_PHONE = "13900002222"
# Which roles may see each secret (on some page); everyone else must never get it in any response.
SECRETS = {
    RESIDENT_PHONE: {"resident", "volunteer", "workstation_leader", "grid_worker", "staff"},
    RESIDENT_ADDRESS: {"resident", "volunteer", "grid_worker", "staff"},
    VOLUNTEER_PHONE: {"volunteer", "team_leader", "grid_worker", "staff"},
}
# The grid's duty phone: staff, and residents whose confirmed home is in the grid (none in this world).
DUTY_PHONE = "13912340000"
SECRETS[DUTY_PHONE] = {"editor", "grid_worker", "staff"}
# 双报到: a unit waiting for approval has a contact mobile only staff see; the in-service member's login is a
# mobile number the unit contact sees masked.
UNIT_CONTACT_PHONE = "13911112222"
IN_SERVICE_PHONE = "13977778888"
SECRETS[UNIT_CONTACT_PHONE] = {"staff", "other_resident"}  # she registered the unit (her data download)
SECRETS[IN_SERVICE_PHONE] = {"in_service_member"}


def expect(default, **overrides):
    """The expected status for each role: ``default`` unless overridden (a role, or a group below)."""
    groups = {
        "signed_in": [r for r in ROLES if r != "anonymous"],
        "others": [],
    }
    result = dict.fromkeys(ROLES, default)
    for key, status in overrides.items():
        for role in groups.get(key, [key]):
            result[role] = status
    return result


PUBLIC = expect(200)
LOGIN = expect(200, anonymous=302)  # any signed-in person; anonymous are sent to log in
STAFF_PAGE = expect(403, anonymous=302, staff=200)
POST_LOGIN = expect(302)  # signed in: the action runs (or says why not) and redirects; anonymous: to login


# (method, url builder, POST data or None, expected statuses per role)
def table(w):
    pk = lambda obj: {"pk": obj.pk}  # noqa: E731
    return {
        # --- Site ---------------------------------------------------------------------------------
        "home": ("get", reverse("home"), None, PUBLIC),
        "about": ("get", reverse("about"), None, PUBLIC),
        "privacy": ("get", reverse("privacy"), None, PUBLIC),
        "healthz": ("get", reverse("healthz"), None, PUBLIC),
        "readyz": ("get", reverse("readyz"), None, PUBLIC),
        "elderly_mode": ("get", reverse("elderly_mode") + "?on=1&next=/", None, expect(302)),
        "sitemap_index": ("get", reverse("sitemap_index"), None, PUBLIC),
        "django.contrib.sitemaps.views.sitemap": ("get", "/sitemap-articles.xml", None, PUBLIC),
        "private_photo": ("get", w["private_photo_url"], None, expect(404, resident=200, staff=200, grid_worker=200)),
        "me": ("get", reverse("me"), None, expect(200, anonymous=302)),
        "profile": ("get", reverse("profile"), None, LOGIN),
        "my_home": ("get", reverse("my_home"), None, LOGIN),
        "homes_to_confirm": (
            "get",
            reverse("homes_to_confirm"),
            None,
            expect(403, anonymous=302, staff=200, grid_worker=200),
        ),
        "confirm_home": (
            "post",
            reverse("confirm_home", kwargs=pk(w["home"])),
            {},
            expect(404, anonymous=302, resident=403, staff=302, grid_worker=302),
        ),
        "robots_txt": ("get", reverse("robots_txt"), None, PUBLIC),
        "inbox": ("get", reverse("inbox"), None, LOGIN),
        "my_data": ("get", reverse("my_data"), None, LOGIN),
        "delete_account": ("get", reverse("delete_account"), None, LOGIN),
        "open_notification": (
            "get",
            reverse("open_notification", kwargs=pk(w["notification"])),
            None,
            expect(404, anonymous=302, resident=302),
        ),
        "read_all_notifications": ("post", reverse("read_all_notifications"), {}, POST_LOGIN),
        "call_list": ("get", reverse("call_list"), None, expect(403, anonymous=302, staff=200, grid_worker=200)),
        "mark_phoned": (
            "post",
            reverse("mark_phoned", kwargs=pk(w["notification"])),
            {},
            expect(403, staff=404, editor=403, grid_worker=404),
        ),
        "dashboard": (
            "get",
            reverse("dashboard"),
            None,
            expect(403, anonymous=302, staff=200, editor=200, grid_worker=200),
        ),
        "export": (
            "get",
            reverse("export", kwargs={"kind": "wishes", "fmt": "csv"}),
            None,
            expect(403, staff=200, editor=200, grid_worker=200),
        ),
        # --- Accounts -----------------------------------------------------------------------------
        "register": ("get", reverse("register"), None, expect(302, anonymous=200)),
        "login": ("get", reverse("login"), None, expect(302, anonymous=200)),
        "logout": ("post", reverse("logout"), {}, expect(302)),
        "password_change": ("get", reverse("password_change"), None, LOGIN),
        "password_change_done": ("get", reverse("password_change_done"), None, LOGIN),
        # A session that has given its second step (or owes none) is sent on to 我的.
        "second_factor_verify": ("get", reverse("second_factor_verify"), None, expect(302)),
        "second_factor_enrol": (
            "get",
            reverse("second_factor_enrol"),
            None,
            expect(403, anonymous=302, editor=200, grid_worker=200, staff=200),
        ),
        "account_security": ("get", reverse("account_security"), None, LOGIN),
        # Only an account with an authenticator has recovery codes to replace (the demo's grid worker and admin).
        "new_recovery_codes": (
            "post",
            reverse("new_recovery_codes"),
            {},
            expect(403, anonymous=302, grid_worker=200, staff=200),
        ),
        "password_reset": ("get", reverse("password_reset"), None, PUBLIC),
        "password_reset_done": ("get", reverse("password_reset_done"), None, PUBLIC),
        # Logging in changes the resident's last login, which (by design) voids the emailed link.
        "password_reset_confirm": ("get", w["reset_url"], None, expect(302, resident=200)),
        "password_reset_complete": ("get", reverse("password_reset_complete"), None, PUBLIC),
        # --- News ---------------------------------------------------------------------------------
        "news:index": ("get", reverse("news:index"), None, PUBLIC),
        "news:search": ("get", reverse("news:search") + "?q=社区", None, PUBLIC),
        "news:feed": ("get", reverse("news:feed"), None, PUBLIC),
        "news:column": ("get", reverse("news:column", kwargs={"slug": w["column"].slug}), None, PUBLIC),
        "news:column_feed": ("get", reverse("news:column_feed", kwargs={"slug": w["column"].slug}), None, PUBLIC),
        "news:article": ("get", reverse("news:article", kwargs=pk(w["article"])), None, PUBLIC),
        "news:qr": ("get", reverse("news:qr", kwargs=pk(w["article"])), None, PUBLIC),
        "news:preview": (
            "get",
            reverse("news:preview", kwargs=pk(w["draft"])),
            None,
            expect(404, staff=200, editor=200),
        ),
        "news:editor_photos": (
            "get",
            reverse("news:editor_photos"),
            None,
            expect(302, staff=200, editor=200, grid_worker=403),
        ),
        # --- Volunteers ---------------------------------------------------------------------------
        "volunteers:index": ("get", reverse("volunteers:index"), None, PUBLIC),
        "volunteers:terms": ("get", reverse("volunteers:terms"), None, PUBLIC),
        "volunteers:apply": ("get", reverse("volunteers:apply"), None, LOGIN),
        "volunteers:applications": (
            "get",
            reverse("volunteers:applications"),
            None,
            expect(403, anonymous=302, staff=200, grid_worker=200),
        ),
        "volunteers:approve": (
            "post",
            reverse("volunteers:approve", kwargs=pk(w["application"])),
            {},
            expect(403, staff=302, grid_worker=302),
        ),
        "volunteers:reject": (
            "post",
            reverse("volunteers:reject", kwargs=pk(w["application"])),
            {"reason": "资料不全"},
            expect(403, staff=302, grid_worker=302),
        ),
        "volunteers:honour_roll": ("get", reverse("volunteers:honour_roll"), None, PUBLIC),
        "volunteers:calendar": ("get", reverse("volunteers:calendar"), None, PUBLIC),
        "volunteers:team": ("get", reverse("volunteers:team", kwargs=pk(w["team"])), None, PUBLIC),
        "volunteers:team_calendar": ("get", reverse("volunteers:team_calendar", kwargs=pk(w["team"])), None, PUBLIC),
        "volunteers:join": ("post", reverse("volunteers:join", kwargs=pk(w["team"])), {}, POST_LOGIN),
        "volunteers:accept_member": (
            "post",
            reverse("volunteers:accept_member", kwargs=pk(w["join_request"])),
            {},
            expect(404, anonymous=302, team_leader=302, staff=302, grid_worker=302),
        ),
        "volunteers:decline_member": (
            "post",
            reverse("volunteers:decline_member", kwargs=pk(w["join_request"])),
            {},
            expect(404, anonymous=302, team_leader=302, staff=302, grid_worker=302),
        ),
        "volunteers:workstation": ("get", reverse("volunteers:workstation", kwargs=pk(w["workstation"])), None, PUBLIC),
        "volunteers:request_appointment": (
            "get",
            reverse("volunteers:request_appointment", kwargs=pk(w["workstation"])),
            None,
            LOGIN,
        ),
        "volunteers:appointments": (
            "get",
            reverse("volunteers:appointments", kwargs=pk(w["workstation"])),
            None,
            expect(403, anonymous=302, workstation_leader=200, staff=200, grid_worker=200),
        ),
        "volunteers:confirm_appointment": (
            "post",
            reverse("volunteers:confirm_appointment", kwargs=pk(w["appointment"])),
            {},
            expect(404, anonymous=302, workstation_leader=302, staff=302, grid_worker=302),
        ),
        "volunteers:propose_appointment": (
            "post",
            reverse("volunteers:propose_appointment", kwargs=pk(w["appointment"])),
            w["propose"],
            expect(404, anonymous=302, workstation_leader=302, staff=302, grid_worker=302),
        ),
        "volunteers:decline_appointment": (
            "post",
            reverse("volunteers:decline_appointment", kwargs=pk(w["appointment"])),
            {"reply": "那天不在"},
            expect(404, anonymous=302, workstation_leader=302, staff=302, grid_worker=302),
        ),
        "volunteers:accept_appointment": (
            "post",
            reverse("volunteers:accept_appointment", kwargs=pk(w["appointment"])),
            {},
            expect(404, anonymous=302, resident=302),
        ),
        "volunteers:cancel_appointment": (
            "post",
            reverse("volunteers:cancel_appointment", kwargs=pk(w["appointment"])),
            {},
            expect(404, anonymous=302, resident=302),
        ),
        "volunteers:activity": ("get", reverse("volunteers:activity", kwargs=pk(w["activity"])), None, PUBLIC),
        "volunteers:sign_up": ("post", reverse("volunteers:sign_up", kwargs=pk(w["activity"])), {}, POST_LOGIN),
        "volunteers:cancel_sign_up": (
            "post",
            reverse("volunteers:cancel_sign_up", kwargs=pk(w["activity"])),
            {},
            POST_LOGIN,
        ),
        "volunteers:events": ("get", reverse("volunteers:events"), None, PUBLIC),
        "volunteers:rate": (
            "post",
            reverse("volunteers:rate", kwargs=pk(w["past_event"])),
            {"stars": "5"},
            expect(404, anonymous=302, resident=302),
        ),
        "volunteers:check_in_code": (
            "post",
            reverse("volunteers:check_in_code", kwargs=pk(w["event"])),
            {"code": "000000"},
            expect(404, anonymous=302, workstation_leader=302, staff=302, grid_worker=302),
        ),
        "volunteers:phone_sign_up": (
            "post",
            reverse("volunteers:phone_sign_up", kwargs=pk(w["event"])),
            {"contact_name": "赵桂芳", "contact_phone": "13900001111"},
            expect(404, anonymous=302, workstation_leader=302, staff=302, grid_worker=302),
        ),
        "volunteers:cancel_for_resident": (
            "post",
            reverse("volunteers:cancel_for_resident", kwargs={"pk": w["event"].pk, "signup_pk": w["event_signup"].pk}),
            {},
            expect(404, anonymous=302, workstation_leader=302, staff=302, grid_worker=302),
        ),
        "volunteers:signup_phoned": (
            "post",
            reverse("volunteers:signup_phoned", kwargs=pk(w["event_signup"])),
            {},
            expect(403, staff=302, grid_worker=302),
        ),
        "volunteers:check_in": (
            "get",
            reverse("volunteers:check_in", kwargs=pk(w["activity"])),
            None,
            expect(403, anonymous=302, team_leader=200, staff=200, grid_worker=200),
        ),
        "volunteers:mark_present": (
            "post",
            reverse("volunteers:mark_present", kwargs={"pk": w["activity"].pk, "signup_pk": w["signup"].pk}),
            {},
            expect(404, anonymous=302, team_leader=302, staff=302, grid_worker=302),
        ),
        "volunteers:unmark_present": (
            "post",
            reverse("volunteers:unmark_present", kwargs={"pk": w["activity"].pk, "signup_pk": w["signup"].pk}),
            {},
            expect(404, anonymous=302, team_leader=302, staff=302, grid_worker=302),
        ),
        "volunteers:close_check_in": (
            "post",
            reverse("volunteers:close_check_in", kwargs=pk(w["activity"])),
            {},
            expect(404, anonymous=302, team_leader=302, staff=302, grid_worker=302),
        ),
        "volunteers:adjust_hours": (
            "post",
            reverse("volunteers:adjust_hours", kwargs={"pk": w["activity"].pk, "volunteer_pk": w["volunteer"].pk}),
            {"hours": "2", "reason": "补记"},
            expect(404, anonymous=302, team_leader=302, staff=302, grid_worker=302),
        ),
        "volunteers:my_record": (
            "get",
            reverse("volunteers:my_record"),
            None,
            expect(404, anonymous=302, volunteer=200, other_volunteer=200, team_leader=200),
        ),
        "volunteers:record": (
            "get",
            reverse("volunteers:record", kwargs=pk(w["volunteer"])),
            None,
            expect(404, anonymous=302, volunteer=200, staff=200, grid_worker=200),
        ),
        "volunteers:units": ("get", reverse("volunteers:units"), None, PUBLIC),
        "volunteers:unit": ("get", reverse("volunteers:unit", kwargs=pk(w["unit"])), None, PUBLIC),
        # --- Wishes -------------------------------------------------------------------------------
        "wishes:wall": ("get", reverse("wishes:wall"), None, PUBLIC),
        "wishes:submit": ("get", reverse("wishes:submit"), None, LOGIN),
        "wishes:on_behalf": ("get", reverse("wishes:on_behalf"), None, expect(403, staff=200, grid_worker=200)),
        "wishes:mine": ("get", reverse("wishes:mine"), None, LOGIN),
        "wishes:claimed": ("get", reverse("wishes:claimed"), None, LOGIN),
        "wishes:review": (
            "get",
            reverse("wishes:review"),
            None,
            expect(403, anonymous=302, staff=200, grid_worker=200),
        ),
        "wishes:detail": (
            "get",
            reverse("wishes:detail", kwargs=pk(w["wish_submitted"])),
            None,
            expect(404, resident=200, staff=200, grid_worker=200),
        ),
        "wishes:edit": (
            "get",
            reverse("wishes:edit", kwargs=pk(w["wish_submitted"])),
            None,
            expect(404, anonymous=302, resident=200, staff=200, grid_worker=200),
        ),
        "wishes:publish": (
            "post",
            reverse("wishes:publish", kwargs=pk(w["wish_submitted"])),
            {},
            expect(403, anonymous=302, staff=302, grid_worker=302),
        ),
        "wishes:reject": (
            "post",
            reverse("wishes:reject", kwargs=pk(w["wish_submitted"])),
            {"reason": "不合适"},
            expect(403, anonymous=302, staff=302, grid_worker=302),
        ),
        "wishes:withdraw": (
            "post",
            reverse("wishes:withdraw", kwargs=pk(w["wish_submitted"])),
            {},
            expect(404, anonymous=302, resident=302, staff=302, grid_worker=302),
        ),
        "wishes:claim": ("post", reverse("wishes:claim", kwargs=pk(w["wish_published"])), {}, POST_LOGIN),
        "wishes:release": (
            "post",
            reverse("wishes:release", kwargs=pk(w["wish_claimed"])),
            {"reason": "出差"},
            POST_LOGIN,
        ),
        "wishes:fulfil": (
            "post",
            reverse("wishes:fulfil", kwargs=pk(w["wish_claimed"])),
            {"note": "送到了"},
            POST_LOGIN,
        ),
        "wishes:not_resolved": (
            "post",
            reverse("wishes:not_resolved", kwargs=pk(w["wish_claimed"])),
            {"note": "油还没有送到"},
            POST_LOGIN,
        ),
        "wishes:confirm": (
            "post",
            reverse("wishes:confirm", kwargs=pk(w["wish_claimed"])),
            {"thanks": "谢谢"},
            POST_LOGIN,
        ),
        "wishes:close": (
            "post",
            reverse("wishes:close", kwargs=pk(w["wish_published"])),
            {"reason": "重复"},
            expect(403, anonymous=302, staff=302, grid_worker=302),
        ),
        "wishes:reopen": (
            "post",
            reverse("wishes:reopen", kwargs=pk(w["wish_published"])),
            {"reason": "x"},
            expect(403, anonymous=302, staff=302, grid_worker=302),
        ),
        "wishes:attach": (
            "post",
            reverse("wishes:attach", kwargs=pk(w["wish_published"])),
            {"username": "nobody"},
            expect(403, anonymous=302, staff=302, grid_worker=302),
        ),
        "wishes:hide_thanks": (
            "post",
            reverse("wishes:hide_thanks", kwargs=pk(w["wish_published"])),
            {"reason": "x"},
            expect(403, anonymous=302, staff=302, grid_worker=302),
        ),
        "wishes:hide_fulfilment": (
            "post",
            reverse("wishes:hide_fulfilment", kwargs=pk(w["wish_published"])),
            {"reason": "x"},
            expect(403, anonymous=302, staff=302, grid_worker=302),
        ),
        # --- Red whistle --------------------------------------------------------------------------
        "whistles:board": ("get", reverse("whistles:board"), None, PUBLIC),
        "whistles:detail": ("get", reverse("whistles:detail", kwargs=pk(w["whistle"])), None, PUBLIC),
        "whistles:report_problem": ("get", reverse("whistles:report_problem"), None, LOGIN),
        "whistles:report_on_behalf": (
            "get",
            reverse("whistles:report_on_behalf"),
            None,
            expect(403, staff=200, grid_worker=200),
        ),
        "whistles:withdraw_call": (
            "post",
            reverse("whistles:withdraw_call", kwargs=pk(w["whistle"])),
            {"call": w["call"].pk, "reason": "多次联系未响应"},
            expect(403, staff=302, grid_worker=302),
        ),
        "whistles:call_more": (
            "post",
            reverse("whistles:call_more", kwargs=pk(w["whistle"])),
            {"units": [w["unit"].pk]},
            expect(403, staff=302, grid_worker=302),
        ),
        "whistles:my_reports": ("get", reverse("whistles:my_reports"), None, LOGIN),
        "whistles:report": (
            "get",
            reverse("whistles:report", kwargs=pk(w["report"])),
            None,
            expect(404, anonymous=302, resident=200, staff=200, grid_worker=200),
        ),
        "whistles:reply": (
            "post",
            reverse("whistles:reply", kwargs=pk(w["report"])),
            {"reply": "已处理"},
            expect(403, staff=302, grid_worker=302),
        ),
        "whistles:merge": (
            "post",
            reverse("whistles:merge", kwargs=pk(w["report"])),
            {},
            expect(403, staff=302, grid_worker=302),
        ),
        "whistles:hand": (
            "post",
            reverse("whistles:hand", kwargs=pk(w["report"])),
            {},
            expect(403, staff=302, grid_worker=302),
        ),
        "whistles:triage": (
            "get",
            reverse("whistles:triage"),
            None,
            expect(403, anonymous=302, staff=200, grid_worker=200),
        ),
        "whistles:responsiveness": (
            "get",
            reverse("whistles:responsiveness"),
            None,
            expect(403, anonymous=302, staff=200, grid_worker=200),
        ),
        "whistles:blow": ("get", reverse("whistles:blow"), None, expect(403, staff=200, grid_worker=200)),
        "whistles:close": (
            "post",
            reverse("whistles:close", kwargs=pk(w["whistle"])),
            {"summary": "好了"},
            expect(403, staff=302, grid_worker=302),
        ),
        "whistles:rate": (
            "post",
            reverse("whistles:rate", kwargs=pk(w["closed_whistle"])),
            {"score": "satisfied"},
            POST_LOGIN,
        ),
        "whistles:report_in": ("post", w["report_in_url"], {"people": 2}, expect(404, anonymous=302, unit_member=302)),
        "whistles:update": ("post", w["update_url"], {"text": "进展"}, expect(404, anonymous=302, unit_member=302)),
        "whistles:done": ("post", w["done_url"], {}, expect(404, anonymous=302, unit_member=302)),
        "whistles:hide_update": (
            "post",
            reverse("whistles:hide_update", kwargs=pk(w["update"])),
            {"reason": "x"},
            expect(403, staff=302, grid_worker=302),
        ),
        "whistles:hide_rating": (
            "post",
            reverse("whistles:hide_rating", kwargs=pk(w["rating"])),
            {"reason": "x"},
            expect(403, staff=302, grid_worker=302),
        ),
        # --- Lending box (tests/lending/world.py) ------------------------------------------------
        **lending_rows(w, expect),
        # --- Service circle -------------------------------------------------------------------------
        "places:index": ("get", reverse("places:index"), None, PUBLIC),
        "places:detail": ("get", reverse("places:detail", kwargs=pk(w["place"])), None, PUBLIC),
        "places:report": ("get", reverse("places:report", kwargs=pk(w["place"])), None, LOGIN),
        "places:reports": (
            "get",
            reverse("places:reports"),
            None,
            expect(403, anonymous=302, staff=200, grid_worker=200),
        ),
        "places:handle_report": (
            "post",
            reverse("places:handle_report", kwargs=pk(w["place_report"])),
            {"reply": "已改正"},
            expect(403, staff=302, grid_worker=302),
        ),
        # --- Party members: declaration, confirmation, the badge, the export ---------------------------
        "party:membership": ("get", reverse("party:membership"), None, LOGIN),
        "party:withdraw_membership": (
            "post",
            reverse("party:withdraw_membership"),
            {},
            expect(404, anonymous=302, resident=302, other_volunteer=302, in_service_member=302),
        ),
        "party:show_badge": (
            "post",
            reverse("party:show_badge"),
            {"shown": "1"},
            expect(404, anonymous=302, resident=302, other_volunteer=302, in_service_member=302),
        ),
        # A branch secretary (no staff role) decides the declarations naming his branch: the list opens for him.
        "party:declarations": (
            "get",
            reverse("party:declarations"),
            None,
            expect(403, anonymous=302, staff=200, secretary=200),
        ),
        "party:confirm_membership": (
            "post",
            reverse("party:confirm_membership", kwargs=pk(w["declaration"])),
            {},
            expect(404, anonymous=302, staff=302),
        ),
        "party:reject_membership": (
            "post",
            reverse("party:reject_membership", kwargs=pk(w["declaration"])),
            {"reason": "组织关系不在本社区"},
            expect(404, anonymous=302, staff=302),
        ),
        "export_party_members": (
            "get",
            reverse("export_party_members", kwargs={"fmt": "csv"}),
            None,
            expect(403, anonymous=302, staff=200),
        ),
        # --- Grids and party days (主题党日) --------------------------------------------------------------
        "grids": ("get", reverse("grids"), None, PUBLIC),
        "grid": ("get", reverse("grid", kwargs=pk(w["grid"])), None, PUBLIC),
        "party:branch": ("get", reverse("party:branch", kwargs=pk(w["branch"])), None, PUBLIC),
        "party:plan_party_day": (
            "get",
            reverse("party:plan_party_day", kwargs=pk(w["branch"])),
            None,
            expect(404, anonymous=302, secretary=200, grid_worker=200, staff=200),
        ),
        "party:party_day_summary": (
            "get",
            reverse("party:party_day_summary", kwargs=pk(w["party_day"])),
            None,
            expect(404, anonymous=302, secretary=200, grid_worker=200, staff=200),
        ),
        "party:party_day_article": (
            "post",
            reverse("party:party_day_article", kwargs=pk(w["party_day"])),
            {},
            expect(404, anonymous=302, secretary=302, grid_worker=302, staff=302),
        ),
        # --- 双报到: in-service members and units report in; the yearly record and feedback sheet ----------
        "party:service_record": ("get", reverse("party:service_record"), None, LOGIN),
        "party:in_service": ("get", reverse("party:in_service"), None, LOGIN),
        "party:choose_posts": (
            "post",
            reverse("party:choose_posts"),
            {"posts": [w["service_post"].pk]},
            expect(404, anonymous=302, in_service_member=302),
        ),
        "party:acknowledge_sheet": (
            "post",
            reverse("party:acknowledge_sheet", kwargs=pk(w["feedback_sheet"])),
            {"remark": "收到"},
            expect(404, anonymous=302, in_service_member=302),
        ),
        "party:register_unit": ("get", reverse("party:register_unit"), None, LOGIN),
        "party:in_service_review": ("get", reverse("party:in_service_review"), None, STAFF_PAGE),
        "party:approve_member": (
            "post",
            reverse("party:approve_member", kwargs=pk(w["pending_member"])),
            {},
            expect(403, staff=302),
        ),
        "party:decline_member": (
            "post",
            reverse("party:decline_member", kwargs=pk(w["pending_member"])),
            {"reason": "单位不符"},
            expect(403, staff=302),
        ),
        "party:approve_unit": (
            "post",
            reverse("party:approve_unit", kwargs=pk(w["pending_unit"])),
            {},
            expect(403, staff=302),
        ),
        "party:decline_unit": (
            "post",
            reverse("party:decline_unit", kwargs=pk(w["pending_unit"])),
            {"reason": "信息不全"},
            expect(403, staff=302),
        ),
        "party:unit_members": (
            "get",
            reverse("party:unit_members"),
            None,
            expect(404, anonymous=302, unit_contact=200),
        ),
        "party:units": ("get", reverse("party:units"), None, STAFF_PAGE),
        "party:write_feedback": (
            "get",
            reverse("party:write_feedback", kwargs={"pk": w["in_service"].pk, "year": w["sheet_year"]}),
            None,
            STAFF_PAGE,
        ),
        "party:unit_feedback": (
            "get",
            reverse("party:unit_feedback", kwargs={"pk": w["report_in_unit"].pk, "year": w["sheet_year"]}),
            None,
            STAFF_PAGE,
        ),
        "party:print_feedback": (
            "post",
            reverse("party:print_feedback", kwargs={"pk": w["report_in_unit"].pk, "year": w["sheet_year"]}),
            {},
            expect(403, staff=302),
        ),
    }


# Patterns that are not the portal's own pages.
NOT_WALKED = {"?"}  # development media serving (only with SERVE_MEDIA)


def url_names():
    names = set()

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                inner = (
                    f"{namespace}:{pattern.namespace}"
                    if namespace and pattern.namespace
                    else (pattern.namespace or namespace)
                )
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                names.add(f"{namespace}:{pattern.name}" if namespace else (pattern.name or "?"))

    walk(get_resolver().url_patterns)
    return names - NOT_WALKED


class PortalWorld(TestCase):
    """One of everything, owned by the right people, for walking the portal as each role."""

    @classmethod
    def setUpTestData(cls):
        w = {}
        building = BuildingFactory(name="团结巷3栋")
        w["resident"] = UserFactory(username="resident", display_name="王秀英")
        w["home"] = Home.set_for(w["resident"], building=building, unit="9", room="909")
        w["other_resident"] = UserFactory(username="other")
        v = VolunteerFactory(
            user=UserFactory(username="vol", display_name="孙丽萍"), real_name="孙丽萍", phone=VOLUNTEER_PHONE
        )
        w["volunteer"] = v
        w["other_volunteer"] = VolunteerFactory(user=UserFactory(username="vol2")).user
        leader = VolunteerFactory(user=UserFactory(username="leader"))
        w["team_leader"] = leader.user
        w["workstation_leader"] = UserFactory(username="station")
        w["unit_member"] = UserFactory(username="member")
        w["staff"] = StaffFactory(username="staffer", is_superuser=True)
        w["editor"] = StaffFactory(username="editor", groups=["编辑"])
        w["grid_worker"] = StaffFactory(username="gridworker", groups=["网格员", "审核员"])
        building.grid.grid_worker = w["grid_worker"]  # the grid worker of the resident's home
        building.grid.save()
        team = TeamFactory()
        add_member(team, leader, leader=True)
        add_member(team, v)
        w["team"] = team
        w["join_request"] = TeamMembership.objects.create(team=team, volunteer=VolunteerFactory())
        w["application"] = VolunteerFactory(status="applied")
        w["unit"] = unit = PartnerUnitFactory(name="市委党校")
        PartnerMembership.objects.create(unit=unit, user=w["unit_member"])
        column = ColumnFactory(slug="dongtai")
        w["column"] = column
        w["article"] = ArticleFactory(column=column, title="社区动态")
        w["draft"] = ArticleFactory(column=column, status=Article.Status.DRAFT)
        station = WorkstationFactory(leader=w["workstation_leader"])
        OpeningHours.objects.create(workstation=station, weekday=2, start=time(9), end=time(11))
        w["workstation"] = station
        day = timezone.localdate() + timedelta(days=10)
        w["appointment"] = Appointment.objects.create(
            workstation=station,
            resident=w["resident"],
            day=day,
            start=time(9, 30),
            end=time(10),
            topic="谈心",
            phone=RESIDENT_PHONE,
        )
        w["propose"] = {"day": day.isoformat(), "start": "10:00", "end": "10:30"}
        w["activity"] = activity = ActivityFactory(team=team)
        w["signup"] = SignUp.objects.create(activity=activity, volunteer=v)
        # A health lecture for residents at the workstation: the resident phoned to sign up (her number is a
        # secret the host must not see in full), and is on the call list; another she attended, to rate.
        w["event"] = ActivityFactory(team=None, workstation=station, audience="residents", title="健康讲座")
        w["event_signup"] = w["event"].sign_up(by=w["grid_worker"], contact_name="王秀英", contact_phone=RESIDENT_PHONE)
        w["event_signup"].tell("明天的活动提醒")
        ended = timezone.now() - timedelta(days=2)
        w["past_event"] = ActivityFactory(
            team=None, audience="residents", starts_at=ended, ends_at=ended + timedelta(hours=1), signup_deadline=ended
        )
        SignUp.objects.create(activity=w["past_event"], person=w["resident"], code="424242", attended=True)

        staff = w["staff"]
        contact = {"contact_phone": RESIDENT_PHONE, "contact_address": RESIDENT_ADDRESS}
        base = {
            "description": "需要帮助。",
            "category": Wish.Category.GOODS,
            "building": building,
            "needed_by": day,
            **contact,
        }
        photo = store_upload(upload(), private=True)
        w["private_photo_url"] = photo.url(photo.renditions[0][0])
        w["wish_submitted"] = Wish.submit(by=w["resident"], title="待审核的心愿", photo=photo, **base)
        w["wish_published"] = Wish.submit(by=w["resident"], title="待认领的心愿", **base)
        w["wish_published"].publish(by=staff)
        claimed = Wish.submit(
            by=w["other_resident"],
            title="已认领的心愿",
            **{**base, "contact_phone": "13800003333", "contact_address": "朝阳路1栋"},
        )
        claimed.publish(by=staff)
        claimed.claim(by=v.user)
        w["wish_claimed"] = claimed

        w["report"] = ProblemReport.submit(
            by=w["resident"],
            category=ProblemCategory.ROADS,
            description="路面坑洼",
            building=building,
            contact_phone=RESIDENT_PHONE,
        )
        whistle = Whistle.blow(
            by=staff,
            units=[unit],
            title="修路",
            description="修补路面",
            category=ProblemCategory.ROADS,
            building=building,
        )
        call = whistle.calls.get()
        call.report_in(by=w["unit_member"], people=2)
        w["call"] = call
        w["update"] = call.updates.first()
        w["whistle"] = whistle
        w["report_in_url"] = reverse("whistles:report_in", kwargs={"pk": whistle.pk, "call_pk": call.pk})
        w["update_url"] = reverse("whistles:update", kwargs={"pk": whistle.pk, "call_pk": call.pk})
        w["done_url"] = reverse("whistles:done", kwargs={"pk": whistle.pk, "call_pk": call.pk})
        closed_report = ProblemReport.submit(
            by=w["resident"], category=ProblemCategory.LIGHTING, description="路灯坏", building=building
        )
        closed = Whistle.blow(
            by=staff,
            units=[unit],
            reports=[closed_report],
            title="修灯",
            description="换灯",
            category=ProblemCategory.LIGHTING,
            building=building,
        )
        closed_call = closed.calls.get()
        closed_call.report_in(by=w["unit_member"], people=1)
        closed_call.mark_done(by=w["unit_member"])
        closed.close(by=staff, summary="已换")
        w["closed_whistle"] = closed
        w["rating"] = Rating.objects.create(whistle=closed, rater=w["other_resident"], score="basic", comment="还行")
        w["notification"] = notify(w["resident"], "您的心愿已被认领")
        w["place"] = PlaceFactory(name="康宁诊所")
        add_hours(w["place"], "08:00", "17:30")
        w["place_report"] = PlaceReport.submit(place=w["place"], by=w["resident"], note="电话打不通")
        cls.add_what_every_form_needs(w, staff=staff, building=building, unit=unit, team=team, day=day)
        cls.add_party_members(w)
        cls.add_party_days(w, building=building)
        add_lending_world(w)
        cls.add_report_in(w, staff=staff)
        uid = urlsafe_base64_encode(force_bytes(w["resident"].pk))
        w["reset_url"] = reverse(
            "password_reset_confirm", kwargs={"uidb64": uid, "token": default_token_generator.make_token(w["resident"])}
        )
        cls.world = w

    @staticmethod
    def add_what_every_form_needs(w, *, staff, building, unit, team, day):
        """Objects in the states that make each action's form appear to the role that uses it (the walk in
        tests/test_reachability.py): none of them holds a secret the table checks for."""
        base = {
            "description": "需要帮助。",
            "category": Wish.Category.GOODS,
            "building": building,
            "needed_by": day,
            "contact_phone": "13600000000",
            "contact_address": "朝阳路2栋",
        }
        Appointment.objects.create(
            workstation=w["workstation"],
            resident=w["resident"],
            day=day,
            start=time(10),
            end=time(10, 30),
            topic="咨询",
            status=Appointment.Status.PROPOSED,
        )
        fulfilled = Wish.submit(by=w["resident"], title="已实现待确认的心愿", **base)
        fulfilled.publish(by=staff)
        fulfilled.claim(by=w["volunteer"].user)
        fulfilled.fulfil(by=w["volunteer"].user, note="送到了")
        thanked = Wish.submit(by=w["other_resident"], title="已经致谢的心愿", **base)
        thanked.publish(by=staff)
        helper = VolunteerFactory()
        thanked.claim(by=helper.user)
        thanked.fulfil(by=helper.user, note="修好了")
        thanked.confirm(by=w["other_resident"], thanks="谢谢您")
        closed = Wish.submit(by=w["other_resident"], title="已关闭的心愿", **base)
        closed.publish(by=staff)
        closed.close(by=staff, reason="重复")
        for_resident = Wish.submit(
            by=staff,
            on_behalf=True,
            title="代居民登记的心愿",
            resident_name="张奶奶",
            consent_note="电话中同意",
            **base,
        )
        for_resident.publish(by=staff)
        waiting_for_a_call = UserFactory(username="13700001111", email="")
        old = notify(waiting_for_a_call, "您的预约已确认")
        Notification.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(days=2))
        present = SignUp.objects.create(activity=w["activity"], volunteer=VolunteerFactory())
        SignUp.objects.filter(pk=present.pk).update(attended=True, checked_in_at=timezone.now())
        starts = timezone.now() - timedelta(days=2)
        past = ActivityFactory(team=team, starts_at=starts, ends_at=starts + timedelta(hours=2), signup_deadline=starts)
        SignUp.objects.create(activity=past, volunteer=w["volunteer"], attended=True, checked_in_at=starts)
        past.close_check_in(by=staff)
        Whistle.blow(
            by=staff,
            units=[unit],
            title="清理楼道",
            description="清理杂物",
            category=ProblemCategory.SANITATION,
            building=building,
        )

    @staticmethod
    def add_party_members(w):
        """Party members: the resident's declaration waits for confirmation (staff, who hold the permission, see
        it); the other volunteer is a confirmed member, who may turn 亮身份 on."""
        w["declaration"] = PartyMembership.declare(
            w["resident"], organisation="第一网格党支部", joined_year=1998, consent=True
        )
        w["party_member"] = PartyMembership.declare(
            w["other_volunteer"], organisation="市委党校机关党支部", joined_year=2006, consent=True
        )
        w["party_member"].confirm(by=w["staff"])

    @staticmethod
    def add_party_days(w, *, building):
        """The resident's grid with its duty phone and branch (a secretary), and a party day held two days ago with
        its summary, waiting for its news draft."""
        grid = building.grid
        grid.duty_phone = DUTY_PHONE
        grid.save()
        w["grid"] = grid
        w["secretary"] = UserFactory(username="secretary", display_name="孙立平")
        w["branch"] = PartyBranchFactory(grid=grid, name="第一网格党支部", secretary=w["secretary"])
        ColumnFactory(slug="dangqun-dongtai", name="党群动态")
        held = timezone.now() - timedelta(days=2)
        w["party_day"] = PartyDayFactory(
            activity__branch=w["branch"],
            activity__starts_at=held,
            activity__ends_at=held + timedelta(hours=2),
            activity__signup_deadline=held - timedelta(days=1),
            summary="支部党员清理了楼道。",
            summary_at=held + timedelta(hours=3),
        )

    @staticmethod
    def add_report_in(w, *, staff):
        """双报到: a confirmed party member registered from the unit (with a post and last year's sheet to see),
        the unit's contact, a member and a unit waiting for review, and a colleague's sheet ready to print. Their
        unit is not the one the whistles call, so the contact acts for no call."""
        w["report_in_unit"] = unit = PartnerUnitFactory(name="市税务局")
        post = ServicePost.objects.create(name="楼栋长助理", description="协助楼栋长")
        w["service_post"] = post
        w["sheet_year"] = year = timezone.localdate().year - 1
        w["in_service_member"] = person = UserFactory(username=IN_SERVICE_PHONE, display_name="钱在职")
        PartyMembershipFactory(member=person)
        member = InServiceMember.objects.create(
            person=person, unit=unit, position="科员", availability="周六上午", status="approved"
        )
        member.posts.set([post])
        w["in_service"] = member
        w["feedback_sheet"] = FeedbackSheet.write(member=member, year=year, evaluation="积极参加社区服务。", by=staff)
        colleague = InServiceMember.objects.create(
            person=PartyMembershipFactory().member, unit=unit, position="干部", availability="周日", status="approved"
        )
        FeedbackSheet.write(member=colleague, year=year, evaluation="表现良好。", by=staff).acknowledge(
            by=colleague.person
        )
        w["pending_member"] = InServiceMember.objects.create(
            person=PartyMembershipFactory().member, unit=unit, position="教师", availability="周末"
        )
        w["unit_contact"] = UserFactory(username="unitcontact", display_name="周联络")
        PartnerMembership.objects.create(unit=unit, user=w["unit_contact"], is_contact=True)
        w["pending_unit"] = PartnerUnit.register(
            by=w["other_resident"],
            name="市第一中学",
            kind="school",
            contact_name="周老师",
            contact_phone=UNIT_CONTACT_PHONE,
        )

    def user_for(self, role):
        w = self.world
        return {
            "resident": w["resident"],
            "other_resident": w["other_resident"],
            "volunteer": w["volunteer"].user,
            "other_volunteer": w["other_volunteer"],
            "team_leader": w["team_leader"],
            "workstation_leader": w["workstation_leader"],
            "unit_member": w["unit_member"],
            "editor": w["editor"],
            "grid_worker": w["grid_worker"],
            "staff": w["staff"],
            "secretary": w["secretary"],
            "in_service_member": w["in_service_member"],
            "unit_contact": w["unit_contact"],
        }.get(role)

    def log_in_as(self, role, client=None):
        client = client or self.client
        client.logout()
        user = self.user_for(role)
        if user is not None:
            sign_in(client, user)
        return user


class AuthorizationWalk(PortalWorld):
    def test_every_url_pattern_is_in_the_table(self):
        missing = url_names() - set(table(self.world))
        self.assertFalse(missing, f"URL patterns without an authorization entry: {sorted(missing)}")

    def test_every_role_gets_exactly_the_expected_status_and_no_private_data(self):
        failures = []
        for name, (method, url, data, expected) in sorted(table(self.world).items()):
            for role in ROLES:
                with transaction.atomic():
                    self.log_in_as(role)
                    response = getattr(self.client, method)(url, data) if method == "post" else self.client.get(url)
                    if response.status_code != expected[role]:
                        failures.append(f"{name} as {role}: {response.status_code}, expected {expected[role]}")
                    elif response.status_code == 200 and hasattr(response, "content"):
                        body = b"".join(response) if response.streaming else response.content
                        text = body.decode("utf-8", errors="ignore")
                        for secret, allowed in SECRETS.items():
                            if role not in allowed and secret in text:
                                failures.append(f"{name} as {role}: shows {secret}")
                    transaction.set_rollback(True)
        self.assertFalse(failures, "\n" + "\n".join(failures))
