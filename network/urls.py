from django.urls import path

from network import views

app_name = "network"

urlpatterns = [
    path("", views.network_map, name="map"),
    path("province/<str:code>/", views.province, name="province"),
    path("refresh/", views.refresh, name="refresh"),
    path("refresh/status/", views.refresh_status, name="refresh_status"),
    path("challenges/", views.challenges, name="challenges"),
    path("challenges/report/", views.challenge_report, name="challenge_report"),
    path("challenges/<uuid:challenge_id>/moderate/", views.challenge_moderate, name="challenge_moderate"),
    path("needs/", views.needs, name="needs"),
    path("needs/post/", views.need_post, name="need_post"),
    path("needs/<uuid:need_id>/moderate/", views.need_moderate, name="need_moderate"),
    path("needs/<uuid:need_id>/offer/", views.need_offer, name="need_offer"),
    path("capacity/", views.capacity, name="capacity"),
    path("capacity/set/", views.capacity_set, name="capacity_set"),
    path("performance/", views.performance, name="performance"),
    path("reports/", views.reports, name="reports"),
    path("reports/freeze/", views.report_freeze, name="report_freeze"),
    path("reports/htcds.csv", views.htcds_export, name="htcds_export"),
    path("reports/<uuid:report_id>/", views.report_detail, name="report_detail"),
    path("reports/<uuid:report_id>/csv/", views.report_csv, name="report_csv"),
    path("reports/<uuid:report_id>/report.pdf", views.report_pdf, name="report_pdf"),
    path("reports/<uuid:report_id>/release/", views.report_release, name="report_release"),
]
