from django.urls import path

from . import twofactor, views

app_name = "accounts"
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("users/", views.users, name="users"),
    path("two-factor/", twofactor.setup, name="otp_setup"),
    path("two-factor/verify/", twofactor.verify, name="otp_verify"),
    path("two-factor/disable/", twofactor.disable, name="otp_disable"),
]
