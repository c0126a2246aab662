"""Hostile input in every form the portal shows, as anonymous, resident, volunteer and staff.

The forms are found by reading the pages each role can open (the authorization
table's GET pages), so a new form is covered without being listed. Every
submission must give a form error, a refusal or a redirect, never a 5xx;
no script comes back as live HTML; a re-shown form means nothing was stored;
and without a CSRF token every form is refused with 403.
"""

from html.parser import HTMLParser

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from community.models import Image, Notification, PartyMembership, User
from lending.models import Item, Loan
from news.models import Article
from party.models import FeedbackSheet, InServiceMember, PartyDay
from places.models import PlaceReport
from tests.test_authorization import PortalWorld, table
from volunteers.models import Activity, Appointment, PartnerUnit, SignUp, Volunteer
from whistles.models import ProblemReport, Whistle
from wishes.models import Wish

SCRIPT = "<script>alert('x')</script>"
PAYLOADS = [
    "长" * 10_000,
    "NUL\x00byte",
    "😀🎉 表情 emoji",
    SCRIPT,
    "'; DROP TABLE wishes_wish; --",
    "2026-02-30",
    "-1",
    "99999999999999999999999",
    '汉字测试 <b>粗体</b> & "引号"',
]
COUNTED = [Wish, Article, Volunteer, SignUp, Activity, Appointment, ProblemReport, Whistle, User, Image, Notification]
COUNTED += [Item, Loan]  # the lending box
COUNTED += [PlaceReport]  # the service circle
COUNTED += [PartyMembership]  # party members' declarations
COUNTED += [PartyDay]  # party days (主题党日)
COUNTED += [PartnerUnit, InServiceMember, FeedbackSheet]  # 双报到
ROLES = ["anonymous", "resident", "volunteer", "staff"]
ROLES += ["in_service_member"]  # 双报到: his posts and his feedback sheet


class FormFinder(HTMLParser):
    """Collects each POST form's action and its field names (with a kind)."""

    def __init__(self):
        super().__init__()
        self.forms, self.current = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method", "get").lower() == "post":
            self.current = {"action": attrs.get("action") or "", "fields": {}}
        elif self.current is not None and tag in ("input", "textarea", "select") and attrs.get("name"):
            kind = attrs.get("type", tag) if tag == "input" else tag
            if attrs["name"] != "csrfmiddlewaretoken" and kind not in ("submit", "button"):
                self.current["fields"][attrs["name"]] = kind

    def handle_endtag(self, tag):
        if tag == "form" and self.current is not None:
            self.forms.append(self.current)
            self.current = None


def forms_on(html, page_url):
    finder = FormFinder()
    finder.feed(html)
    for form in finder.forms:
        form["action"] = form["action"] or page_url
    return finder.forms


def hostile_data(fields, variant):
    data = {}
    for index, (name, kind) in enumerate(sorted(fields.items())):
        payload = PAYLOADS[(variant + index) % len(PAYLOADS)]
        if kind == "file":
            data[name] = SimpleUploadedFile(
                "x.jpg", b'<svg onload="alert(1)">' + payload.encode("utf-8", "ignore")[:200], "image/jpeg"
            )
        elif kind == "checkbox":
            data[name] = payload[:50]
        else:
            data[name] = payload
    return data


def counts():
    return {model.__name__: model.objects.count() for model in COUNTED}


class HostileInput(PortalWorld):
    def pages(self, role):
        """The authorization table's pages ``role`` may open, and a few more that carry forms."""
        w = self.world
        urls = [
            url
            for method, url, _data, expected in table(w).values()
            if method == "get"
            and expected[role] == 200
            and not url.endswith((".xml", ".ics", ".svg", ".json", ".csv", ".webp"))
        ]
        extra = ("wish_published", "wish_claimed", "activity", "team", "whistle", "closed_whistle", "report")
        for item in (*extra, "loan_out"):
            urls.append(w[item].get_absolute_url())
        return urls

    def discover(self, role):
        """Every POST form on every page ``role`` may open: {(action, fields)}."""
        found = {}
        self.log_in_as(role)
        for url in self.pages(role):
            response = self.client.get(url)
            if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
                for form in forms_on(response.content.decode(), url):
                    if form["action"].startswith("/admin/"):
                        continue
                    found[(form["action"], tuple(sorted(form["fields"])))] = form["fields"]
        return found

    def test_hostile_input_in_every_form_never_breaks_or_echoes_script(self):
        failures, checked = [], 0
        for role in ROLES:
            forms = self.discover(role)
            self.assertTrue(forms or role == "anonymous", f"no forms found for {role}")
            for (action, _names), fields in forms.items():
                for variant in range(0, len(PAYLOADS), 2):
                    with transaction.atomic():
                        self.log_in_as(role)
                        before = counts()
                        response = self.client.post(action, hostile_data(fields, variant))
                        checked += 1
                        text = response.content.decode("utf-8", errors="ignore") if not response.streaming else ""
                        if response.status_code >= 500:
                            failures.append(f"{role} {action} variant {variant}: {response.status_code}")
                        if SCRIPT in text:
                            failures.append(f"{role} {action} variant {variant}: script reflected unescaped")
                        if response.status_code == 200 and counts() != before:
                            failures.append(
                                f"{role} {action} variant {variant}: form re-shown but rows changed {before} → {counts()}"
                            )
                        transaction.set_rollback(True)
        self.assertGreater(checked, 100)
        self.assertFalse(failures, "\n" + "\n".join(failures))

    def test_every_form_refuses_a_post_without_a_csrf_token(self):
        strict = Client(enforce_csrf_checks=True)
        failures = []
        for role in ("resident", "staff"):
            forms = self.discover(role)
            self.log_in_as(role, client=strict)
            for (action, _names), fields in forms.items():
                with transaction.atomic():
                    response = strict.post(action, hostile_data(fields, 0))
                    if response.status_code != 403:
                        failures.append(f"{role} {action}: {response.status_code} without a CSRF token")
                    transaction.set_rollback(True)
        self.assertFalse(failures, "\n" + "\n".join(failures))
