from django.urls import path

from . import staff_views

app_name = "invitations"
urlpatterns = [
    path("assessments/<int:pk>/invitations/new/", staff_views.create, name="create"),
    path("invitations/<int:pk>/<str:name>/", staff_views.action, name="action"),
    path("assessments/<int:pk>/review/", staff_views.review, name="review"),
    path("assessments/<int:pk>/review/return/", staff_views.return_to_vendor, name="return"),
    path("assessments/<int:pk>/review/<str:code>/", staff_views.review_item, name="review_item"),
    path("assessments/<int:pk>/portal-files/<int:file_pk>/", staff_views.file, name="file"),
    path("proposals/<int:pk>/decide/", staff_views.decide, name="decide"),
]
