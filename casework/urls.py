from django.urls import path

from casework import views

app_name = "casework"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("search/", views.case_search, name="case_search"),
    path("export/", views.case_export, name="case_export"),
    path("new/", views.case_create, name="case_create"),
    path("new/duplicates/", views.duplicate_check, name="duplicate_check"),
    path("new/draft/", views.intake_draft_save, name="intake_draft_save"),
    path("new/draft/discard/", views.intake_draft_discard, name="intake_draft_discard"),
    path("regencies/", views.regency_options, name="regency_options"),
    path("<uuid:case_id>/", views.case_detail, name="case_detail"),
    path("<uuid:case_id>/identity/", views.case_identity, name="case_identity"),
    path("<uuid:case_id>/reveal/<slug:field>/", views.case_reveal, name="case_reveal"),
    path("<uuid:case_id>/notes/", views.case_notes, name="case_notes"),
    path("<uuid:case_id>/services/", views.case_services, name="case_services"),
    path("<uuid:case_id>/history/", views.case_history_view, name="case_history"),
    path("<uuid:case_id>/edit/", views.case_edit, name="case_edit"),
    path("<uuid:case_id>/close/", views.case_close, name="case_close"),
    path("<uuid:case_id>/reopen/", views.case_reopen, name="case_reopen"),
    path("<uuid:case_id>/consents/", views.case_consents, name="case_consents"),
    path("<uuid:case_id>/consents/<uuid:consent_id>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("<uuid:case_id>/restriction/", views.case_restriction, name="case_restriction"),
    path("<uuid:case_id>/access/", views.case_access, name="case_access"),
    path("<uuid:case_id>/access/admin/", views.case_access_admin, name="case_access_admin"),
    path("<uuid:case_id>/attachments/", views.case_attachments, name="case_attachments"),
    path(
        "<uuid:case_id>/attachments/<uuid:attachment_id>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "<uuid:case_id>/attachments/<uuid:attachment_id>/delete/",
        views.attachment_delete,
        name="attachment_delete",
    ),
    path("<uuid:case_id>/print/", views.case_print, name="case_print"),
    path("<uuid:case_id>/rights/", views.case_rights, name="case_rights"),
    path("<uuid:case_id>/rights/request/", views.rights_request, name="rights_request"),
    path("<uuid:case_id>/rights/<uuid:request_id>/approve/", views.rights_approve, name="rights_approve"),
    path("<uuid:case_id>/rights/<uuid:request_id>/reject/", views.rights_reject, name="rights_reject"),
    path("<uuid:case_id>/rights/<uuid:request_id>/export/", views.export_page, name="export_page"),
    path("<uuid:case_id>/rights/<uuid:request_id>/export.zip", views.export_zip, name="export_zip"),
    path("retention/", views.retention_list, name="retention"),
]
