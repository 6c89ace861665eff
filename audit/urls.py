from django.urls import path

from audit import breach_views, views

app_name = "audit"

urlpatterns = [
    path("", views.log_list, name="log"),
    path("export/", views.access_log_export, name="export"),
    path("verify/", views.verify_log, name="verify"),
    path("object/<uuid:object_id>/", views.object_log, name="object"),
    path("user/<int:user_id>/", views.user_log, name="user"),
    path("flags/", views.audit_flags, name="flags"),
    path("flags/<int:flag_id>/reviewed/", views.audit_flag_review, name="flag_review"),
    path("changes/", views.change_history, name="changes"),
    path("breaches/", breach_views.breach_list, name="breaches"),
    path("breaches/<int:breach_id>/", breach_views.breach_detail, name="breach_detail"),
]
