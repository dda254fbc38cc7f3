from django.urls import path

from . import assessment_views as views

app_name = "assessments"
urlpatterns = [
    path("", views.index, name="index"),
    path("start/<int:vendor_pk>/", views.start, name="start"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/sections/<str:code>/", views.section, name="section"),
    path("<int:pk>/items/<str:code>/answer/", views.answer, name="answer"),
    path("<int:pk>/items/<str:code>/evidence/", views.evidence, name="evidence"),
    path("<int:pk>/evidence/<int:file_pk>/", views.evidence_file, name="evidence_file"),
    path("<int:pk>/action/<str:name>/", views.action, name="action"),
]
