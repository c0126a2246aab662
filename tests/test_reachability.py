"""Every page and action a role may use is reached by clicking from the home page, as that role.

A test client walks the portal's links from ``/`` as each role (each demo
account is one of them): ``<a href>``, images, and forms, which it submits
when they use GET. A POST form counts its action as reached; it must carry its
CSRF token, and it is sent once per action, as the page filled it (the client
checks CSRF tokens as a browser's request would be checked), then undone. Every link shown must answer: a 403, 404 or
5xx behind a link is a failure. At the end, every URL the authorization table
lets the role open (200), and every action the role uses (``ACTIONS``), must
have been reached, except the few listed in ``OUTSIDE``, which people reach
from outside the site. A new URL without a way to it fails here.
"""

from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve

from tests.lending.world import HANDLES_LOANS
from tests.test_authorization import ROLES, PortalWorld, table

# Reached from outside the site, never by following its links.
OUTSIDE = {
    "healthz": "load balancers and monitoring",
    "readyz": "deploys and monitoring",
    "robots_txt": "search engines",
    "sitemap_index": "search engines (named in robots.txt)",
    "django.contrib.sitemaps.views.sitemap": "search engines (named in the sitemap index)",
    "news:feed": "feed readers (the pages name it in <link rel=alternate>)",
    "news:column_feed": "feed readers (the column pages name it in <link rel=alternate>)",
    "password_reset_confirm": "the link in the password-reset email",
    "password_reset_done": "where the password-reset form goes after it is sent",
    "password_reset_complete": "where setting a new password goes",
    "password_change_done": "where changing the password goes",
    "news:editor_photos": "the rich-text editor's photo window, opened by its script",
    "elderly_mode": "the header's switch (a link with ?on=; walking it would change every page after it)",
}

SIGNED_IN = {role for role in ROLES if role != "anonymous"}
VOLUNTEERS = {"volunteer", "other_volunteer", "team_leader"}

# A page the table allows a role, that the role has no reason to open (or reaches under another address).
ELSEWHERE = {
    ("volunteers:record", "volunteer"): "their own record is 我的服务记录 (volunteers:my_record)",
    **{("password_reset", role): "someone signed in changes the password instead" for role in SIGNED_IN},
    **{("volunteers:apply", role): "a volunteer has applied already" for role in VOLUNTEERS},
}
MANAGES_WISHES = {"grid_worker", "staff"}
TRIAGES = {"grid_worker", "staff"}
MANAGES_ACTIVITIES = {"team_leader", "grid_worker", "staff"}

# Who uses each action, as opposed to who would merely be refused it: their pages show its form.
ACTIONS = {
    "logout": SIGNED_IN,
    # --- Grids and party days
    "party:party_day_article": {"secretary", "grid_worker", "staff"},
    "new_recovery_codes": {"grid_worker", "staff"},
    "read_all_notifications": {"resident"},
    "mark_phoned": {"grid_worker", "staff"},
    "confirm_home": {"grid_worker", "staff"},
    "volunteers:join": {"other_volunteer"},
    "volunteers:approve": {"grid_worker", "staff"},
    "volunteers:reject": {"grid_worker", "staff"},
    "volunteers:accept_member": {"team_leader", "grid_worker", "staff"},
    "volunteers:decline_member": {"team_leader", "grid_worker", "staff"},
    "volunteers:confirm_appointment": {"workstation_leader", "grid_worker", "staff"},
    "volunteers:propose_appointment": {"workstation_leader", "grid_worker", "staff"},
    "volunteers:decline_appointment": {"workstation_leader", "grid_worker", "staff"},
    "volunteers:accept_appointment": {"resident"},
    "volunteers:cancel_appointment": {"resident"},
    "volunteers:sign_up": {"other_volunteer", "team_leader"},
    "volunteers:cancel_sign_up": {"volunteer"},
    "volunteers:mark_present": MANAGES_ACTIVITIES,
    "volunteers:unmark_present": MANAGES_ACTIVITIES,
    "volunteers:close_check_in": MANAGES_ACTIVITIES,
    "volunteers:adjust_hours": MANAGES_ACTIVITIES,
    "volunteers:check_in_code": MANAGES_ACTIVITIES,
    "volunteers:phone_sign_up": MANAGES_ACTIVITIES,
    "volunteers:cancel_for_resident": MANAGES_ACTIVITIES,
    "volunteers:rate": {"resident"},
    "volunteers:signup_phoned": {"grid_worker", "staff"},
    "wishes:publish": MANAGES_WISHES,
    "wishes:reject": MANAGES_WISHES,
    "wishes:withdraw": {"resident", *MANAGES_WISHES},
    "wishes:claim": {"other_volunteer", "team_leader", "unit_member"},
    "wishes:release": {"volunteer"},
    "wishes:fulfil": {"volunteer"},
    "wishes:confirm": {"resident", *MANAGES_WISHES},
    "wishes:not_resolved": {"resident", *MANAGES_WISHES},
    "wishes:close": MANAGES_WISHES,
    "wishes:reopen": MANAGES_WISHES,
    "wishes:attach": MANAGES_WISHES,
    "wishes:hide_thanks": MANAGES_WISHES,
    "wishes:hide_fulfilment": MANAGES_WISHES,
    "whistles:reply": TRIAGES,
    "whistles:merge": TRIAGES,
    "whistles:hand": TRIAGES,
    "whistles:close": TRIAGES,
    "whistles:withdraw_call": TRIAGES,
    "whistles:call_more": TRIAGES,
    "whistles:hide_update": TRIAGES,
    "whistles:hide_rating": TRIAGES,
    "whistles:rate": {"resident"},
    "whistles:report_in": {"unit_member"},
    "whistles:update": {"unit_member"},
    "whistles:done": {"unit_member"},
    "lending:request": SIGNED_IN,
    "lending:cancel": {"resident"},
    "lending:hand_over": HANDLES_LOANS,
    "lending:decline": HANDLES_LOANS,
    "lending:record_return": HANDLES_LOANS,
    "places:handle_report": {"grid_worker", "staff"},
    # Party members: the member withdraws or shows the badge; staff holding the permission decide.
    "party:withdraw_membership": {"resident", "other_volunteer", "in_service_member"},
    "party:show_badge": {"other_volunteer", "in_service_member"},
    "party:confirm_membership": {"staff"},
    "party:reject_membership": {"staff"},
    # 双报到
    "party:choose_posts": {"in_service_member"},
    "party:acknowledge_sheet": {"in_service_member"},
    "party:approve_member": {"staff"},
    "party:decline_member": {"staff"},
    "party:approve_unit": {"staff"},
    "party:decline_unit": {"staff"},
    "party:print_feedback": {"staff"},
}

MAX_PAGES = 1500
# The world holds a few of each thing: every one of them is visited.
PAGES_PER_PATTERN = 15
# In the admin, lists are walked without their filters and sorting (their query strings).
ADMIN_SKIPPED = ("delete", "history", "password", "autocomplete", "jsi18n", "logout")


class _Page(HTMLParser):
    """The links, images and forms of a page; a form's fields with the values a person would send."""

    def __init__(self):
        super().__init__()
        self.links, self.forms = [], []
        self._form = self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "img" and attrs.get("src"):
            self.links.append(attrs["src"])
        elif tag == "form":
            self._form = {"method": (attrs.get("method") or "get").lower(), "action": attrs.get("action"), "fields": {}}
            self.forms.append(self._form)
        elif self._form is None or not attrs.get("name"):
            if tag == "option" and self._select is not None and attrs.get("value"):
                self._form["fields"].setdefault(self._select, attrs["value"])  # the first real choice
            return
        elif tag == "select":
            self._select = attrs["name"]
        elif tag in ("input", "textarea", "button"):
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio", "submit", "file") and "checked" not in attrs:
                return
            self._form["fields"].setdefault(attrs["name"], attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _name(path):
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


class Reachability(PortalWorld):
    def submit(self, action, fields, came_from):
        """Send a POST form as the person would (its own fields and CSRF token, blanks filled), then undo it.

        Returns a problem, or None: a refusal or a form error is an answer; a 403 (a missing or wrong CSRF
        token, a permission the page should not have offered), a 404 or a 5xx is not.
        """
        data = {name: value or "测试说明" for name, value in fields.items()}
        with transaction.atomic():
            response = self.client.post(action, data)
            transaction.set_rollback(True)
        if response.status_code in (403, 404) or response.status_code >= 500:
            return f"the form for {action} on {came_from} answers {response.status_code} when sent"
        return None

    def walk(self, role):
        """Walk the site from / as ``role``: (names reached, problems found)."""
        self.client = Client(enforce_csrf_checks=True)
        self.log_in_as(role)
        reached, problems, sent = set(), [], set()
        visits = Counter()
        queue, queued = deque([("/", "/")]), {"/"}
        pages = 0
        while queue and pages < MAX_PAGES:
            url, came_from = queue.popleft()
            path = urlsplit(url).path
            if path.startswith(("/static/", "/media/")):
                continue  # files, not pages
            name = _name(path)
            if name is None:
                problems.append(f"{url} (linked from {came_from}) is no page of the portal")
                continue
            admin = name.startswith("admin:")
            if admin and any(word in name for word in ADMIN_SKIPPED):
                continue
            if visits[name] >= PAGES_PER_PATTERN or (admin and urlsplit(url).query):
                continue
            visits[name] += 1
            pages += 1
            response = self.client.get(url)
            if response.status_code in (403, 404) or response.status_code >= 500:
                problems.append(f"{url} ({name}) answers {response.status_code}; linked from {came_from}")
                continue
            reached.add(name)
            if response.status_code in (301, 302):
                target = urlsplit(response["Location"])
                target = (
                    target.path + (f"?{target.query}" if target.query else "")
                    if target.netloc in ("", "testserver")
                    else ""
                )
                if target and target not in queued:
                    queued.add(target)
                    queue.append((target, url))
                continue
            if "html" not in response.get("Content-Type", ""):
                continue
            page = _Page()
            page.feed(response.content.decode("utf-8", errors="replace"))
            found = list(page.links)
            for form in page.forms:
                action = urljoin(url, form["action"] or url)
                if form["method"] == "post":
                    action_name = _name(urlsplit(action).path)
                    if "csrfmiddlewaretoken" not in form["fields"]:
                        problems.append(f"the form for {action} on {url} has no CSRF token")
                    if action_name and not action_name.startswith("admin:"):
                        reached.add(action_name)
                        if action_name not in sent and action_name != "logout":
                            sent.add(action_name)
                            problem = self.submit(action, form["fields"], url)
                            if problem:
                                problems.append(problem)
                elif not admin:
                    query = "&".join(f"{key}={value}" for key, value in form["fields"].items())
                    found.append(f"{action}?{query}" if query else action)
            for link in found:
                target = urldefrag(urljoin(url, link))[0]
                parts = urlsplit(target)
                if parts.scheme not in ("http", "https", "") or parts.netloc not in ("", "testserver"):
                    continue
                target = parts.path + (f"?{parts.query}" if parts.query else "")
                if _name(parts.path) == "elderly_mode":
                    reached.add("elderly_mode")
                    continue
                if target not in queued and _name(parts.path) not in ("logout",):
                    queued.add(target)
                    queue.append((target, url))
        return reached, problems

    def expected(self, role):
        allowed = set()
        for name, (method, _url, _data, statuses) in table(self.world).items():
            if method == "get" and statuses[role] == 200:
                allowed.add(name)
        allowed |= {name for name, users in ACTIONS.items() if role in users}
        return {name for name in allowed if name not in OUTSIDE and (name, role) not in ELSEWHERE}

    def test_every_action_is_listed_with_who_uses_it(self):
        posts = {name for name, (method, *_rest) in table(self.world).items() if method == "post"}
        assert posts == set(ACTIONS), sorted(posts ^ set(ACTIONS))

    def test_each_role_reaches_all_it_may_use_by_clicking_from_the_home_page(self):
        failures = []
        for role in ROLES:
            reached, problems = self.walk(role)
            failures += [f"{role}: {problem}" for problem in problems]
            failures += [f"{role}: no way to {name}" for name in sorted(self.expected(role) - reached)]
        assert not failures, "\n" + "\n".join(failures)
