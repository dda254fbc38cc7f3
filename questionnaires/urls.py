from django.urls import path

from . import views

app_name = "questionnaires"
urlpatterns = [
    path("", views.index, name="index"),
]
urlpatterns += [path("checklist/", views.checklist, name="checklist")]
