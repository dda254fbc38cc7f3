"""Domain events that the outside world may hear about (webhooks, later notifications).

Each app registers the events it emits; ``emit`` sends a signal once the transaction
commits, so that a listener never announces something that was rolled back. Listeners
(such as the webhooks in ``api``) live in higher apps and connect to ``event_emitted``.
Later issues add their events with ``register``."""

from dataclasses import dataclass

from django.db import transaction
from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _

event_emitted = Signal()  # kwargs: event (str), key (str), payload (dict)


@dataclass(frozen=True)
class EventType:
    name: str
    label: str


REGISTRY: dict[str, EventType] = {}


def register(name: str, label) -> EventType:
    REGISTRY[name] = EventType(name, label)
    return REGISTRY[name]


def choices() -> list[tuple[str, str]]:
    return [(e.name, e.label) for e in REGISTRY.values()]


def emit(name: str, *, key: str, payload: dict) -> None:
    """Announce ``name`` after commit. ``key`` names this occurrence: the same key is
    announced once (e.g. ``assessment:12:submitted:<time>``, ``finding:5:overdue``)."""
    if name not in REGISTRY:
        raise ValueError(f"Unknown event {name!r}: register it in core.events first.")
    transaction.on_commit(
        lambda: event_emitted.send(sender=None, event=name, key=key, payload=payload)
    )


register("assessment.submitted", _("Assessment submitted"))
register("assessment.returned", _("Assessment returned"))
register("assessment.approved", _("Assessment approved"))
register("report.ready", _("Report ready"))
register("vendor.submitted", _("Vendor submitted answers"))
register("finding.overdue", _("Finding overdue"))
