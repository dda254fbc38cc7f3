from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("request/<int:assessment_pk>/", views.request_report, name="request"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/status/", views.status, name="status"),
    path("<int:pk>/download/", views.download, name="download"),
    path("<int:pk>/retry/", views.retry, name="retry"),
    path("incidents/request/<int:incident_pk>/", views.request_incident, name="incident_request"),
    path("incidents/<int:pk>/status/", views.incident_status, name="incident_status"),
    path("incidents/<int:pk>/download/", views.incident_download, name="incident_download"),
    path("incidents/<int:pk>/retry/", views.incident_retry, name="incident_retry"),
]
