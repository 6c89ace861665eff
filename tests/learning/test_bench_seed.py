"""The bench's learning seed writes what the services would (a small run of it)."""

import pytest

from bench import learning
from learning import selectors
from learning.choices import Status
from learning.models import Document, Practice

pytestmark = pytest.mark.django_db


def test_the_learning_seed_fills_the_library(alice, bob, carol):
    learning.seed(60, 10, log=lambda *_: None)
    assert Practice.objects.filter(status=Status.PUBLISHED).count() == 60
    assert Practice.history.filter(history_user=carol).count() == 60
    assert Document.objects.count() == 10
    learning.verify(log=lambda *_: None)
    found = selectors.library(bob, selectors.LibraryFilters(q="posyandu"))
    bodies = dict(Practice.objects.values_list("pk", "body"))
    items = found["page"].items
    assert items and all("posyandu" in (p.title + p.summary + bodies[p.pk]) for p in items)
