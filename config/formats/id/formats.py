"""Bahasa Indonesia: Django's own formats, with dates as "1 Des 2026" (no abbreviation dot) and ISO input accepted."""

from django.conf.locale.id.formats import *  # noqa: F403
from django.conf.locale.id.formats import DATE_INPUT_FORMATS as _DJANGO_INPUT

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H.i"
# Day first only: Django's list ends with the US month-first orders, which would read 01/12 as 12 January.
DATE_INPUT_FORMATS = ["%Y-%m-%d", *[f for f in _DJANGO_INPUT if not f.startswith("%m")]]
