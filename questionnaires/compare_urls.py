from django.urls import path

from . import compare_views as views

app_name = "compare"
urlpatterns = [path("", views.index, name="index")]
