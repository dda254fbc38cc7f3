"""The one registry of event kinds. A kind says who hears of it, whether they may turn
it off, what the message says, and (for reminders) at which due-date steps it fires.

Apps above this one add their kinds from their ``AppConfig.ready``::

    from notifications import registry

    registry.register(registry.EventKind(
        code="invitation_due",
        label=_("Questionnaire due"),
        subject=_("A questionnaire is due soon"),
        summary=_("The questionnaire for %(vendor)s is due on %(due_on)s."),
        steps=(registry.Step("7", 7), registry.Step("3", 3), registry.Step("1", 1)),
        due=invitations_due,   # (today, first, last) -> iterable of Occurrence
    ))

and raise one-off events with ``notifications.services.notify("kind", occurrence)``.
Apps below this one never import it: they send a signal (``assessments.signals``,
``reports.signals``) that ``notifications.receivers`` turns into ``notify`` calls.

A kind with steps is a reminder: ``send_reminders`` asks its ``due`` for each step's window
of due dates (``EventKind.window``) and records each (object, recipient, step) once. Recipients other apps know of (a vendor
contact a remediation plan was shared with) are added with ``add_recipients``.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings


@dataclass(frozen=True)
class Recipient:
    """Someone a message goes to: a user (in-app and e-mail, with preferences) or a
    contact without an account (e-mail only, in the language they chose)."""

    key: str  # "user:12", "contact:5": part of the uniqueness rule
    email: str
    language: str
    user: object | None = None
    # A channel the kind imposes on this recipient (managers hear of expiries in the
    # digest), whatever their preference.
    channel: str | None = None
    # A vendor contact (vendors.Contact): no account, no bell, no preferences.
    contact: object | None = None
    # The page for this recipient when it is not the occurrence's (a contact cannot open
    # staff pages: theirs is the portal).
    url: str | None = None

    @classmethod
    def for_user(cls, user, *, channel: str | None = None) -> "Recipient":
        return cls(
            key=f"user:{user.pk}",
            email=user.email or "",
            language=user.language or settings.LANGUAGE_CODE,
            user=user,
            channel=channel,
        )

    @classmethod
    def for_contact(cls, contact, *, language: str, url: str | None = None) -> "Recipient":
        """A vendor contact, told immediately (they have no preferences to choose from)
        in the language they chose in the portal."""
        return cls(
            key=f"contact:{contact.pk}",
            email=contact.email or "",
            language=language or settings.LANGUAGE_CODE,
            contact=contact,
            channel="immediate",
            url=url,
        )


@dataclass
class Occurrence:
    """One thing to tell about one object: plain values for the message, the page to
    link to and who to tell. ``context`` values are str, numbers, ISO dates (keys ending
    in ``_on``) or ``{"ja": ..., "en": ...}`` for names that differ by language."""

    object_key: str
    context: dict
    url: str
    recipients: list[Recipient]
    # One-off events that may happen again to the same object (a second return) tell
    # their occurrences apart here; reminders leave it empty and use the step.
    step: str = ""
    obj: object = None


@dataclass(frozen=True)
class Step:
    """A due-date step: ``days`` before the due date, or ``days < 0`` for overdue."""

    code: str
    days: int

    @property
    def overdue(self) -> bool:
        return self.days < 0


OVERDUE = Step("overdue", -1)


@dataclass(frozen=True)
class EventKind:
    code: str
    label: str
    subject: str  # no confidential detail: it travels in the clear and shows on lock screens
    summary: str  # one line, %-placeholders filled from the occurrence's context
    detail: str = ""
    can_disable: bool = True
    default_channel: str = "immediate"
    steps: tuple[Step, ...] = ()
    # Reminders: (today, first, last) -> occurrences whose due date is in [first, last]
    # (first None: no lower bound, for overdue steps).
    due: Callable[[date, date | None, date], Iterable[Occurrence]] | None = None
    # Templates of the e-mail; the generic ones fit every kind.
    text_template: str = "notifications/email/message.txt"
    html_template: str = "notifications/email/message.html"
    order: int = 100
    extra: dict = field(default_factory=dict)
    # "vendor": told only to vendor contacts, so not on anyone's preferences page.
    audience: str = "staff"

    @property
    def is_reminder(self) -> bool:
        return bool(self.steps)

    def window(self, today: date, step: Step) -> tuple[date | None, date]:
        """The due dates ``step`` covers on ``today``: up to its days ahead, after the
        next smaller step's. A day missed (no run that day) moves a date to the next
        step, never to a second message of the same step."""
        if step.overdue:
            return None, today - timedelta(days=1)
        smaller = [s.days for s in self.steps if 0 <= s.days < step.days]
        first = today + timedelta(days=max(smaller) + 1) if smaller else today
        return first, today + timedelta(days=step.days)


_kinds: dict[str, EventKind] = {}
_recipient_hooks: dict[str, list[Callable]] = {}


def register(kind: EventKind) -> EventKind:
    if kind.code in _kinds and _kinds[kind.code] is not kind:
        raise ValueError(f"Notification kind {kind.code!r} is already registered.")
    if len(kind.code) > 50 or any(len(s.code) > 20 for s in kind.steps):
        raise ValueError("Kind codes have at most 50 characters, step codes 20.")
    if kind.is_reminder and kind.due is None:
        raise ValueError(f"Reminder kind {kind.code!r} needs a due function.")
    _kinds[kind.code] = kind
    return kind


def add_recipients(code: str, hook: Callable[[list[Occurrence]], Iterable]) -> None:
    """More recipients for a kind: ``hook(occurrences)`` yields (object_key, Recipient)
    pairs, for all occurrences at once (one query, not one per object)."""
    _recipient_hooks.setdefault(code, []).append(hook)


def recipient_hooks(code: str) -> list[Callable]:
    return list(_recipient_hooks.get(code, ()))


def get(code: str) -> EventKind:
    return _kinds[code]


def kinds() -> list[EventKind]:
    return sorted(_kinds.values(), key=lambda k: (k.order, k.code))


def user_kinds() -> list[EventKind]:
    """The kinds a user may hear of: their preferences page and the bell's filter."""
    return [k for k in kinds() if k.audience != "vendor"]


def reminder_kinds() -> list[EventKind]:
    return [k for k in kinds() if k.is_reminder]


def label(code: str) -> str:
    kind = _kinds.get(code)
    return kind.label if kind else code
