from django.urls import path

from learning.views import documents, events, practices, recommendations

app_name = "learning"

urlpatterns = [
    path("", practices.library, name="library"),
    path("topics/", practices.topics, name="topics"),
    path("review/", practices.review_queue, name="review_queue"),
    path("practices/new/", practices.practice_create, name="practice_create"),
    path("practices/<uuid:practice_id>/", practices.practice_detail, name="practice_detail"),
    path("practices/<uuid:practice_id>/edit/", practices.practice_edit, name="practice_edit"),
    path("practices/<uuid:practice_id>/submit/", practices.practice_submit, name="practice_submit"),
    path("practices/<uuid:practice_id>/review/", practices.practice_review, name="practice_review"),
    path("practices/<uuid:practice_id>/pin/", practices.practice_pin, name="practice_pin"),
    path("practices/<uuid:practice_id>/archive/", practices.practice_archive, name="practice_archive"),
    path("practices/<uuid:practice_id>/sign-off/", practices.practice_signoff, name="practice_signoff"),
    path("practices/<uuid:practice_id>/helpful/", practices.practice_helpful, name="practice_helpful"),
    path("practices/<uuid:practice_id>/comments/", practices.practice_comment, name="practice_comment"),
    path("comments/<int:comment_id>/hide/", practices.comment_hide, name="comment_hide"),
    path("cases/<uuid:case_id>/study/", practices.case_study_create, name="case_study_create"),
    path("documents/", documents.documents, name="documents"),
    path("documents/new/", documents.document_upload, name="document_upload"),
    path("documents/<uuid:document_id>/", documents.document_detail, name="document_detail"),
    path("documents/<uuid:document_id>/edit/", documents.document_edit, name="document_edit"),
    path("documents/<uuid:document_id>/download/", documents.document_download, name="document_download"),
    path("documents/<uuid:document_id>/submit/", documents.document_submit, name="document_submit"),
    path("documents/<uuid:document_id>/review/", documents.document_review, name="document_review"),
    path("documents/<uuid:document_id>/archive/", documents.document_archive, name="document_archive"),
    path("recommendations/", recommendations.recommendations, name="recommendations"),
    path("recommendations/new/", recommendations.recommendation_create, name="recommendation_create"),
    path(
        "recommendations/<uuid:recommendation_id>/", recommendations.recommendation_detail, name="recommendation_detail"
    ),
    path(
        "recommendations/<uuid:recommendation_id>/edit/",
        recommendations.recommendation_edit,
        name="recommendation_edit",
    ),
    path(
        "recommendations/<uuid:recommendation_id>/open/",
        recommendations.recommendation_open,
        name="recommendation_open",
    ),
    path(
        "recommendations/<uuid:recommendation_id>/endorse/",
        recommendations.recommendation_endorse,
        name="recommendation_endorse",
    ),
    path(
        "recommendations/<uuid:recommendation_id>/submit/",
        recommendations.recommendation_submit,
        name="recommendation_submit",
    ),
    path(
        "recommendations/<uuid:recommendation_id>/answer/",
        recommendations.recommendation_answer,
        name="recommendation_answer",
    ),
    path(
        "recommendations/<uuid:recommendation_id>/outcome/",
        recommendations.recommendation_outcome,
        name="recommendation_outcome",
    ),
    path("recommendations/<uuid:recommendation_id>/evidence/", recommendations.evidence_add, name="evidence_add"),
    path(
        "recommendations/<uuid:recommendation_id>/evidence/<int:evidence_id>/remove/",
        recommendations.evidence_remove,
        name="evidence_remove",
    ),
    path(
        "recommendations/<uuid:recommendation_id>/brief/",
        recommendations.recommendation_brief,
        name="recommendation_brief",
    ),
    path(
        "recommendations/<uuid:recommendation_id>/brief.pdf",
        recommendations.recommendation_brief_pdf,
        name="recommendation_brief_pdf",
    ),
    path("events/", events.events, name="events"),
    path("events/new/", events.event_create, name="event_create"),
    path("events/<uuid:event_id>/", events.event_detail, name="event_detail"),
    path("events/<uuid:event_id>/edit/", events.event_edit, name="event_edit"),
]
