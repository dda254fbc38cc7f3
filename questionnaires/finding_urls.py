from django.urls import path

from . import finding_views as views

app_name = "findings"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.detail, name="detail"),
]
