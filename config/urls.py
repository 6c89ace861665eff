from django.urls import include, path

from accounts import views as account_views
from accounts.admin import admin_site
from core import views as core_views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("notifications/", include("notifications.urls")),
    path("audit/", include("audit.urls")),
    path("cases/", include("casework.urls")),
    path("referrals/", include("referrals.urls")),
    path("learning/", include("learning.urls")),
    path("network/", include("network.urls")),
    path("admin/", admin_site.urls),
    path("healthz", core_views.healthz, name="healthz"),
]

handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"
