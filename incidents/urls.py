from django.urls import path

from . import views

app_name = "incidents"
urlpatterns = [
    path("", views.index, name="index"),
    path("policy/", views.policy, name="policy"),
    path("new/<int:vendor_pk>/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/steps/", views.step, name="step"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/files/<int:file_pk>/", views.file, name="file"),
]
