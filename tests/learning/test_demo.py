"""seed_demo fills the learning space so that a newcomer sees it working."""

import pytest
from django.core.management import call_command

from learning.choices import RecommendationStatus, Status
from learning.models import Document, LearningEvent, Practice, Recommendation

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_the_learning_space(documents_dir, settings):
    settings.DEMO_MODE = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Practice.objects.filter(status=Status.PUBLISHED).count() == 3
    assert Practice.objects.filter(status=Status.IN_REVIEW).count() == 1
    assert Document.objects.filter(status=Status.PUBLISHED).count() == 3
    assert len([p for p in documents_dir.iterdir() if p.is_file()]) == 3
    assert set(Recommendation.objects.values_list("status", flat=True)) == {
        RecommendationStatus.ANSWERED,
        RecommendationStatus.OPEN,
    }
    event = LearningEvent.objects.get()
    assert event.practices.count() == 2
    assert [c.state for c in event.challenges.all()] == ["approved"], "the demo event links a demo challenge"
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Practice.objects.count() == 4, "idempotent"
