"""The three roles of DueDiligence and what each may do.

Roles are Django groups created by a data migration (accounts 0002); the
permissions are custom permissions on the user model, so they exist from the
first migration on, before the domain models arrive.
"""

from django.utils.translation import gettext_lazy as _

PROCUREMENT = "procurement_staff"
MANAGER = "manager"
ADMIN = "admin"
ROLES = (PROCUREMENT, MANAGER, ADMIN)
ROLE_LABELS = {
    PROCUREMENT: _("Procurement staff"),
    MANAGER: _("Manager"),
    ADMIN: _("Administrator"),
}

# codename -> label; the migration copies this table.
PERMISSIONS = {
    "register_vendors": "Can register vendors and edit the vendors they own or are assigned to",
    "view_all_vendors": "Can see every vendor",
    "assign_vendors": "Can reassign vendor owners and staff",
    "answer_assessments": "Can answer assessments of their vendors",
    "review_assessments": "Can review, return and approve assessments",
    "compare_vendors": "Can compare candidate vendors",
    "request_reports": "Can request and download PDF reports",
    "manage_checklist": "Can edit and publish the checklist",
    "manage_users": "Can manage users and roles",
    "view_audit_log": "Can browse and export the audit trail",
}

ROLE_PERMISSIONS = {
    PROCUREMENT: ("register_vendors", "answer_assessments", "request_reports"),
    MANAGER: (
        "view_all_vendors",
        "review_assessments",
        "compare_vendors",
        "request_reports",
        "view_audit_log",
    ),
    ADMIN: (
        "register_vendors",
        "view_all_vendors",
        "assign_vendors",
        "compare_vendors",
        "request_reports",
        "manage_checklist",
        "manage_users",
        "view_audit_log",
    ),
}

# Django-admin permissions on other apps' models, granted after every migrate
# (accounts.services.ensure_roles): admins keep the scoring policy and user accounts.
ROLE_MODEL_PERMISSIONS = {
    ADMIN: (
        "assessments.view_scoringpolicy",
        "assessments.change_scoringpolicy",
        "accounts.view_accessevent",
        "accounts.view_accessreview",
        "auditlog.view_logentry",
        "auth.view_group",
        "api.view_webhookendpoint",
        "api.add_webhookendpoint",
        "api.change_webhookendpoint",
        "api.delete_webhookendpoint",
        "api.view_webhookdelivery",
        "api.change_webhookdelivery",
    ),
}
