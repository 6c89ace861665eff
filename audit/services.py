"""Writes of the audit app other than log entries (those go through ``audit.access_log.record``)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.models import AuditFlag
from audit.selectors import forget_open_flag_count


@transaction.atomic
def flag_review(*, actor: User, flag: AuditFlag) -> AuditFlag:
    """An admin has looked at a flag. Reviewing it again changes nothing: the first reviewer stays."""
    flag = AuditFlag.objects.select_for_update().get(pk=flag.pk)
    if flag.reviewed_at is None:
        flag.reviewed_by, flag.reviewed_at = actor, timezone.now()
        flag.save(update_fields=["reviewed_by", "reviewed_at"])
        forget_open_flag_count()
    return flag
