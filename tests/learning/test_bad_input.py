"""Bad input to the learning forms: see tests/bad_input.py for the values tried and the checks made."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from learning import samples
from learning.choices import DocumentKind, Institution, SubmissionChannel, Topic
from learning.models import Document, LearningEvent, Practice, Recommendation
from learning.services import recommendation_create, recommendation_open
from tests.bad_input import *

pytestmark = pytest.mark.django_db

PRACTICE_MODELS = (Practice, Practice.history.model)
RECOMMENDATION_MODELS = (Recommendation, Recommendation.history.model)


@fuzz(25)
@given(
    data=form_data(
        {
            "title": words(min_size=1),
            "summary": words(min_size=1),
            "body": words(min_size=1),
            "topic": choice(list(Topic.values)),
            "service_type": choice(list(ServiceType.values), blank=True),
            "exploitation_type": choice(list(ExploitationType.values), blank=True),
            "province": st.sampled_from(["", "34", "53"]),
        }
    )
)
def test_practice_create(client_for, alice, data):
    client = client_for(alice)
    before = rows(*PRACTICE_MODELS)
    response = client.post(reverse("learning:practice_create"), data)
    text = inert(response)
    if response.status_code == 302:
        assert rows(Practice)[Practice._meta.label] == before[Practice._meta.label] + 1
        inert(client.get(response.headers["Location"]))
    else:
        assert response.status_code == 200
        errors_shown(text, response.context["form"])
        assert rows(*PRACTICE_MODELS) == before, "a refused practice must save nothing"


@fuzz(25)
@given(
    data=form_data(
        {
            "title": words(min_size=1),
            "problem": words(min_size=1),
            "recommendation": words(min_size=1),
            "institution": choice(list(Institution.values)),
        }
    )
)
def test_recommendation_create(client_for, bob, data):
    client = client_for(bob)
    before = rows(*RECOMMENDATION_MODELS)
    response = client.post(reverse("learning:recommendation_create"), data)
    text = inert(response)
    if response.status_code == 302:
        inert(client.get(response.headers["Location"]))
    else:
        errors_shown(text, response.context["form"])
        assert rows(*RECOMMENDATION_MODELS) == before


@pytest.fixture
def opened(alice):
    recommendation = recommendation_create(
        actor=alice, title="Rekomendasi (rekaan)", problem="Masalah.", recommendation="Usul.", institution="lpsk"
    )
    return recommendation_open(actor=alice, recommendation=recommendation)


@fuzz(25)
@given(
    data=form_data(
        {
            "submitted_on": RECENT,
            "submitted_to": words(min_size=1),
            "submitted_how": choice(list(SubmissionChannel.values)),
        }
    )
)
def test_recommendation_submit(client_for, carol, opened, data):
    opened.refresh_from_db()
    if opened.status != "open":  # an accepted example moved it on: start again from an open one
        opened.status = "open"
        opened.save()
    response = client_for(carol).post(reverse("learning:recommendation_submit", args=[opened.pk]), data)
    text = inert(response)
    if response.status_code == 200:
        errors_shown(text, response.context["submit_form"])
        opened.refresh_from_db()
        assert opened.status == "open"


@fuzz(20)
@given(
    data=form_data(
        {
            "title": words(min_size=1),
            "date": RECENT,
            "place": words(min_size=1),
            "province": st.sampled_from(["", "53"]),
            "agenda": words(),
            "organisations": several([Ref("org_a"), Ref("org_b")]),
        },
        foreign=(Ref("draft"),),
    )
)
def test_event_create(client_for, carol, org_a, org_b, alice, data):
    from tests.learning.conftest import write

    refs = {"org_a": org_a, "org_b": org_b, "draft": write(alice)}
    before = rows(LearningEvent, LearningEvent.history.model)
    response = client_for(carol).post(reverse("learning:event_create"), resolve(data, refs))
    text = inert(response)
    if response.status_code == 200:
        errors_shown(text, response.context["form"])
        assert rows(LearningEvent, LearningEvent.history.model) == before


@fuzz(20)
@given(
    content=st.one_of(
        st.binary(max_size=200),
        st.sampled_from([samples.pdf("x"), samples.odt("x"), b"MZ" + b"\0" * 50, b"PK\x03\x04broken"]),
    ),
    name=st.sampled_from(["a.pdf", "a.docx", "../../x.exe", "laporan\x00.pdf", "", "a" * 300 + ".pdf"]),
    kind=choice([*DocumentKind.values, "nope"]),
    title=words(),
)
def test_document_upload(client_for, alice, documents_dir, content, name, kind, title):
    before = rows(Document, Document.history.model)
    files_before = sorted(documents_dir.rglob("*")) if documents_dir.exists() else []
    upload = SimpleUploadedFile(name or "x", content, "application/pdf")
    response = client_for(alice).post(
        reverse("learning:document_upload"), {"title": title, "kind": kind, "file": upload}
    )
    text = inert(response)
    if response.status_code == 200:
        errors_shown(text, response.context["form"])
        assert rows(Document, Document.history.model) == before
        assert (sorted(documents_dir.rglob("*")) if documents_dir.exists() else []) == files_before
