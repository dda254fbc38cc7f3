from django.urls import path

from . import checklist_views

app_name = "questionnaires"
urlpatterns = [
    path("checklist/", checklist_views.version_list, name="checklist"),
    path("checklist/import/", checklist_views.checklist_import, name="checklist_import"),
    path("checklist/diff/", checklist_views.version_diff, name="checklist_diff"),
    path("checklist/versions/<int:pk>/", checklist_views.version_detail, name="version"),
    path(
        "checklist/versions/<int:pk>/new-draft/",
        checklist_views.version_new_draft,
        name="version_new_draft",
    ),
    path(
        "checklist/versions/<int:pk>/publish/",
        checklist_views.version_publish,
        name="version_publish",
    ),
    path(
        "checklist/versions/<int:pk>/delete/",
        checklist_views.version_delete,
        name="version_delete",
    ),
    path(
        "checklist/versions/<int:pk>/export/",
        checklist_views.version_export,
        name="version_export",
    ),
    path("checklist/sections/<int:pk>/edit/", checklist_views.section_edit, name="section_edit"),
    path("checklist/sections/<int:pk>/move/", checklist_views.section_move, name="section_move"),
    path(
        "checklist/sections/<int:section_pk>/add-item/",
        checklist_views.item_add,
        name="item_add",
    ),
    path("checklist/items/<int:pk>/edit/", checklist_views.item_edit, name="item_edit"),
    path("checklist/items/<int:pk>/delete/", checklist_views.item_delete, name="item_delete"),
    path("checklist/items/<int:pk>/move/", checklist_views.item_move, name="item_move"),
]
