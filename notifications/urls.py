from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:notification_id>/", views.notification_open, name="open"),
    path("read/", views.notifications_mark_read, name="mark_read"),
    path("email/", views.notification_preferences, name="preferences"),
]
