from django.urls import include, path

from accounts import views as account_views
from accounts.admin import admin_site

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("cases/", include("casework.urls")),
    path("referrals/", include("referrals.urls")),
    path("network/", include("network.urls")),
    path("admin/", admin_site.urls),
    path("healthz", account_views.healthz, name="healthz"),
]

handler400 = "accounts.errors.bad_request"
handler403 = "accounts.errors.permission_denied"
handler404 = "accounts.errors.page_not_found"
handler500 = "accounts.errors.server_error"
