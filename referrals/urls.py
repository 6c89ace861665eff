from django.urls import path

from referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("queue/", views.coordinator_queue, name="queue"),
    path("case/<uuid:case_id>/", views.case_referrals, name="case_referrals"),
    path("case/<uuid:case_id>/new/", views.referral_create, name="referral_create"),
    path("<uuid:referral_id>/", views.referral_detail, name="referral_detail"),
    path("<uuid:referral_id>/accept/", views.referral_accept, name="referral_accept"),
    path("<uuid:referral_id>/decline/", views.referral_decline, name="referral_decline"),
    path("<uuid:referral_id>/cancel/", views.referral_cancel, name="referral_cancel"),
    path("<uuid:referral_id>/complete/", views.referral_complete, name="referral_complete"),
    path("<uuid:referral_id>/update/", views.referral_update, name="referral_update"),
    path("<uuid:referral_id>/reassign/", views.referral_reassign, name="referral_reassign"),
]
