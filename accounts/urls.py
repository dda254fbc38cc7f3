from django.urls import path

from . import token_views, twofactor, user_views, views

app_name = "accounts"
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("users/", user_views.users, name="users"),
    path("users/new/", user_views.user_create, name="user_create"),
    path("users/<int:pk>/", user_views.user_edit, name="user_edit"),
    path("users/<int:pk>/<slug:name>/", user_views.user_action, name="user_action"),
    path("api-tokens/", token_views.token_create, name="api_token_create"),
    path("api-tokens/<int:pk>/revoke/", token_views.token_revoke, name="api_token_revoke"),
    path("two-factor/", twofactor.setup, name="otp_setup"),
    path("two-factor/verify/", twofactor.verify, name="otp_verify"),
    path("two-factor/disable/", twofactor.disable, name="otp_disable"),
]
