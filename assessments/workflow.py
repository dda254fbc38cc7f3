"""The assessment workflow as a table: (action, from status) -> (to status, who).

draft -> in progress -> submitted -> in review -> approved, or back to in
progress with the reviewer's comments. Approved assessments are locked.
"""

from django.utils.translation import gettext_lazy as _

from accounts import roles

DRAFT, IN_PROGRESS, SUBMITTED, IN_REVIEW, APPROVED = (
    "draft",
    "in_progress",
    "submitted",
    "in_review",
    "approved",
)

ACTIONS = {
    # action: (from statuses, to status, roles allowed)
    "start": ((DRAFT,), IN_PROGRESS, (roles.PROCUREMENT,)),
    "submit": ((IN_PROGRESS,), SUBMITTED, (roles.PROCUREMENT,)),
    "begin_review": ((SUBMITTED,), IN_REVIEW, (roles.MANAGER,)),
    "return": ((SUBMITTED, IN_REVIEW), IN_PROGRESS, (roles.MANAGER,)),
    "approve": ((IN_REVIEW,), APPROVED, (roles.MANAGER,)),
}
ACTION_LABELS = {
    "start": _("Start answering"),
    "submit": _("Submit for review"),
    "begin_review": _("Begin review"),
    "return": _("Return with comments"),
    "approve": _("Approve"),
}


def target(action: str, status: str, role: str | None) -> str | None:
    """The status ``action`` leads to, or None when it is not allowed here for ``role``."""
    rule = ACTIONS.get(action)
    if rule is None:
        return None
    sources, to, allowed_roles = rule
    if status not in sources or role not in allowed_roles:
        return None
    return to


def role_may(action: str, role: str | None) -> bool:
    """Whether ``role`` may ever take ``action``, whatever the assessment's status."""
    rule = ACTIONS.get(action)
    return rule is not None and role in rule[2]


def available_actions(status: str, role: str | None) -> list[str]:
    return [action for action in ACTIONS if target(action, status, role)]
