"""Every learning page renders for a member, in both languages."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name", ["learning:library", "learning:documents", "learning:recommendations", "learning:events", "learning:topics"]
)
def test_lists_render(client_for, alice, name):
    response = client_for(alice).get(reverse(name))
    assert response.status_code == 200


def test_practice_detail_renders(client_for, bob, published):
    response = client_for(bob).get(reverse("learning:practice_detail", args=[published.pk]))
    assert response.status_code == 200
    assert "<strong>posyandu</strong>" in response.content.decode()


def test_the_home_page_shows_the_latest_practices_and_what_waits_for_review(client_for, bob, carol, alice, published):
    from learning import services
    from tests.learning.conftest import write

    services.practice_submit(actor=alice, practice=write(alice, title="Menunggu (rekaan)"))
    page = client_for(bob).get(reverse("home")).content.decode()
    assert published.title in page and "Menunggu (rekaan)" not in page
    page = client_for(carol).get(reverse("home")).content.decode()
    assert reverse("learning:review_queue") in page
