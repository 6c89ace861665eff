"""The Celery application: one worker pool, and exactly one beat that ticks the reminder dispatcher each minute."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("jejaring")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
