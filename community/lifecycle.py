"""The one idiom every lifecycle follows (wishes, problem reports, whistles, volunteers' applications …).

A record's ``status`` changes only in its verb methods. Each verb runs inside
``transaction.atomic()``, takes the row lock first (``lock``), checks the
current state, and refuses an illegal move with ``NotAllowed`` (its message is
for the person who tried). ``move`` then writes the new status with
``update_fields``, records the step as a transition row (the record's
timeline) and, when staff acted, an audit entry.
"""

from django.conf import settings
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from community import audit
from community.notifications import notify
from community.refusals import NotAllowed  # noqa: F401 -- where the apps import it from


class Transition(models.Model):
    """One step in a record's life: who, when, from, to, and why.

    Concrete transitions add the link to their record and ``from_status`` /
    ``to_status`` with the record's status choices.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)
    created = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["created", "id"]

    def __str__(self):
        # Shown above each row of the admin's timeline: the step in words, e.g. "待审核 → 待认领".
        return f"{self.get_from_status_display() or '—'} → {self.get_to_status_display()}"


class Lifecycle:
    """Row lock and status moves for a model with a ``status`` and a timeline of ``Transition`` rows.

    The model's transitions are reachable as ``self.transitions``. It sets
    ``audit_name`` (the audit trail's "wish.published"), ``refusal`` (the
    ``NotAllowed`` subclass it raises) with ``refusal_message``, and
    ``move_also_saves`` for fields written with every move (``updated``).
    """

    audit_name = ""
    refusal = NotAllowed
    refusal_message = _("现在是“%(status)s”，不能这样操作。")
    move_also_saves = ()

    def lock(self):
        """Reload this record and lock its row until the transaction ends (call inside ``atomic``)."""
        self.refresh_from_db(from_queryset=type(self)._default_manager.select_for_update(of=("self",)))

    def require(self, *allowed, message=None):
        """Refuse the move unless the (locked) record is in one of the ``allowed`` states."""
        if self.status not in allowed:
            raise self.refusal(message or self.refusal_message % {"status": self.get_status_display()})

    def move(self, to, *, by, note="", fields=()):
        """Write a status change on the locked row, its transition and, for staff, the audit entry."""
        before = self.status
        self.status = to
        self.save(update_fields=["status", *self.move_also_saves, *fields])
        self.record_transition(before, to, by=by, note=note)
        if by is not None and by.is_staff:
            audit.record(
                actor=by, action=f"{self.audit_name}.{to}", target=self, changes={"status": (before, to)}, note=note
            )

    def record_transition(self, before, to, *, by, note=""):
        """A step of the timeline (``before`` is "" for the first)."""
        return self.transitions.create(from_status=before, to_status=to, actor=by, note=note)


def hide_with_reason(item, field, *, author, title, url, by, reason, refusal=NotAllowed, also_saves=()):
    """Staff hide public text (a thank-you, a progress note, a rating's comment) with a reason its author sees.

    The text stays in the database; ``field`` holds the reason and the public
    page leaves the text out. Recorded in the audit trail; the author is told.
    """
    if not reason.strip():
        raise refusal(_("请写明隐藏的原因，作者会看到。"))
    with transaction.atomic():
        setattr(item, field, reason)
        item.save(update_fields=[field, *also_saves])
        audit.record(actor=by, action=f"{item._meta.model_name}.hide.{field}", target=item, note=reason)
        notify(author, title, body=_("原因：%(reason)s") % {"reason": reason}, url=url)
