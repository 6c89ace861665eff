from django.urls import path

from accounts import audit_views, views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
    path("account/", views.account, name="account"),
    path("keepalive/", views.keepalive, name="keepalive"),
    path("language/", views.set_language, name="set_language"),
    path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("two-factor/recovery-codes/", views.recovery_codes_renew, name="recovery_codes_renew"),
    path("two-factor/disable/", views.two_factor_disable, name="two_factor_disable"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<int:notification_id>/", views.notification_open, name="notification_open"),
    path("notifications/read/", views.notifications_mark_read, name="notifications_mark_read"),
    path("notifications/email/", views.notification_preferences, name="notification_preferences"),
    path("audit/", audit_views.access_log, name="audit_log"),
    path("audit/export/", audit_views.access_log_export, name="audit_export"),
    path("audit/verify/", audit_views.verify_log, name="audit_verify"),
    path("audit/object/<uuid:object_id>/", audit_views.object_log, name="audit_object"),
    path("audit/user/<int:user_id>/", audit_views.user_log, name="audit_user"),
    path("audit/flags/", audit_views.audit_flags, name="audit_flags"),
    path("audit/flags/<int:flag_id>/reviewed/", audit_views.audit_flag_review, name="audit_flag_review"),
    path("audit/changes/", audit_views.change_history, name="audit_changes"),
    path("password/reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
