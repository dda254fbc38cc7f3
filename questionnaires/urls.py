from django.urls import path

from . import views

app_name = "questionnaires"
urlpatterns = [
    path("", views.version_list, name="checklist"),
    path("import/", views.checklist_import, name="checklist_import"),
    path(
        "import/standard/",
        views.checklist_import_standard,
        name="checklist_import_standard",
    ),
    path("diff/", views.version_diff, name="checklist_diff"),
    path(
        "checklists/<int:pk>/make-default/",
        views.checklist_make_default,
        name="checklist_make_default",
    ),
    path("versions/<int:pk>/", views.version_detail, name="version"),
    path(
        "versions/<int:pk>/new-draft/",
        views.version_new_draft,
        name="version_new_draft",
    ),
    path(
        "versions/<int:pk>/publish/",
        views.version_publish,
        name="version_publish",
    ),
    path(
        "versions/<int:pk>/delete/",
        views.version_delete,
        name="version_delete",
    ),
    path(
        "versions/<int:pk>/export/",
        views.version_export,
        name="version_export",
    ),
    path("sections/<int:pk>/edit/", views.section_edit, name="section_edit"),
    path("sections/<int:pk>/move/", views.section_move, name="section_move"),
    path(
        "sections/<int:section_pk>/add-item/",
        views.item_add,
        name="item_add",
    ),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/delete/", views.item_delete, name="item_delete"),
    path("items/<int:pk>/move/", views.item_move, name="item_move"),
]
