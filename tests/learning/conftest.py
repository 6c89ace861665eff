"""Learning fixtures, built through the real services."""

from __future__ import annotations

import pytest

from learning import services
from learning.choices import CHECKLIST_KEYS, Topic


def write(author, **extra):
    fields = {
        "title": "Penjangkauan lewat kelompok ibu (rekaan)",
        "summary": "Cara kami menjangkau desa asal pekerja migran.",
        "body": "Kami bekerja sama dengan **posyandu**.\n\n- langkah satu\n- langkah dua",
        "topic": Topic.OUTREACH,
        "province": "53",
    }
    return services.practice_create(actor=author, **{**fields, **extra})


def publish(practice, author, coordinator):
    services.practice_submit(actor=author, practice=practice)
    return services.practice_publish(actor=coordinator, practice=practice, checklist=CHECKLIST_KEYS)


@pytest.fixture
def draft(alice):
    return write(alice)


@pytest.fixture
def published(alice, carol):
    return publish(write(alice, title="Rumah aman berbasis komunitas (rekaan)", topic=Topic.SHELTER), alice, carol)


@pytest.fixture
def documents_dir(tmp_path, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "documents")},
        },
    }
    return tmp_path / "documents"
