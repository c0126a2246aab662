"""What every page of every app shares: its title and breadcrumbs, the site's details, the display mode,
and the one way a POST action ends (a model call, a message, back where the person came from).
"""

import functools
import re

from django.conf import settings
from django.contrib import messages
from django.core.signals import setting_changed
from django.http import HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme

from community.lifecycle import NotAllowed

ELDERLY_COOKIE = "elderly"
ELDERLY_COOKIE_AGE = 365 * 24 * 3600


class PageMixin:
    """Gives a page its title and breadcrumbs (a list of (label, url); the last has no url)."""

    title = ""
    breadcrumbs = ()

    def get_title(self):
        return self.title

    def get_breadcrumbs(self):
        return list(self.breadcrumbs) or [(self.get_title(), None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("title", self.get_title())
        context.setdefault("breadcrumbs", self.get_breadcrumbs())
        return context


@functools.cache
def site_details():
    """The community's name, address, phone and registration numbers, as the header and footer show them."""
    return {
        "name": settings.COMMUNITY_NAME,
        "address": settings.COMMUNITY_ADDRESS,
        "phone": settings.COMMUNITY_PHONE,
        "office_hours": settings.COMMUNITY_OFFICE_HOURS,
        "icp_number": settings.ICP_NUMBER,
        "psb_number": settings.PSB_NUMBER,
    }


def _forget_site_details(setting, **kwargs):
    # Tests change these settings; a deployment changes them only with a restart.
    if setting.startswith(("COMMUNITY_", "ICP_", "PSB_")):
        site_details.cache_clear()


setting_changed.connect(_forget_site_details, dispatch_uid="community.pages.site_details")


def is_elderly(request):
    """Whether the person chose the elderly-friendly display (适老化模式)."""
    return request.COOKIES.get(ELDERLY_COOKIE) == "1"


def safe_next(request, default):
    """Where to go after an action: the form's ``next`` if it is an address on this site, else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def form_errors_as_messages(request, form):
    """A small form on a page that posts elsewhere shows its errors as messages when the page comes back."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def run_action(request, action, *, success, back, form=None):
    """The end of every POST action: check ``form``, run ``action()`` (one model call), say how it went, go back.

    An invalid form or a refusal (``NotAllowed``) becomes a message, never an
    error page. The person goes back to ``next`` when it is an address on this
    site (the page they acted from), else to ``back``.
    """
    if form is not None and not form.is_valid():
        form_errors_as_messages(request, form)
    else:
        try:
            action()
        except NotAllowed as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, success)
    return HttpResponseRedirect(safe_next(request, back))


class ActionFormMixin:
    """A form page (a ``FormView``) whose valid form runs one model call.

    ``perform(form)`` makes the call and returns the address to go to next. A
    refusal (``NotAllowed``) is shown as the form's error, with everything the
    person typed kept; nothing is saved.
    """

    success_message = ""

    def perform(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            target = self.perform(form)
        except NotAllowed as refusal:
            form.add_error(None, refusal.message)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return HttpResponseRedirect(target)


# Fields of a form that are never shown back (secrets, and what the form carries for itself).
_NOT_SHOWN_BACK = re.compile(r"csrfmiddlewaretoken|.*password.*|next|.*token.*", re.IGNORECASE)


def typed_text(request):
    """What the person typed into the form they sent (no passwords or tokens), to show back when it was not saved."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return []
    try:
        items = request.POST.lists()
    except Exception:  # noqa: BLE001 -- a body that cannot be read has nothing to show back
        return []
    return [value for name, values in items if not _NOT_SHOWN_BACK.fullmatch(name) for value in values if value.strip()]


def database_unavailable_response(request, *, read_only=False):
    """A friendly 503 drawn without touching the database (no user, no session), showing back what was typed.

    ``read_only``: the portal answers from the replica while the primary is down, so pages can be read but
    nothing can be changed.
    """
    html = render_to_string(
        "503.html",
        {
            "community": site_details(),
            "elderly_mode": is_elderly(request),
            "read_only": read_only,
            "typed": typed_text(request),
        },
    )
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(settings.OUTAGE_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response
