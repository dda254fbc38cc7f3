from django.urls import path

from . import import_views, views

app_name = "vendors"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("import/", import_views.vendor_import, name="import"),
    path("import/confirm/", import_views.vendor_import_confirm, name="import_confirm"),
    path("import/template/", import_views.vendor_import_template, name="import_template"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/status/", views.change_status, name="status"),
    path("<int:pk>/archive/", views.archive, name="archive"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/certifications/new/", views.certification_form, name="certification_create"),
    path(
        "<int:pk>/certifications/<int:cid>/edit/",
        views.certification_form,
        name="certification_edit",
    ),
    path("<int:pk>/contracts/new/", views.contract_form, name="contract_create"),
    path("<int:pk>/contracts/<int:cid>/edit/", views.contract_form, name="contract_edit"),
    path("<int:pk>/<str:kind>/<int:cid>/delete/", views.part_delete, name="part_delete"),
    path("<int:pk>/<str:kind>/<int:cid>/file/", views.part_file, name="part_file"),
]
