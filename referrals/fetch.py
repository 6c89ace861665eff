"""A referral read by its id as its pages and services read it, in one statement written out (core/sql.py): the
instances built as the ORM's select_related builds them. Building those statements with the ORM (four joins, a
hundred columns) cost more than running them, on every referral page and on each answer, move and reassignment.
``tests/referrals/test_fetch.py`` compares both with the ORM's."""

from __future__ import annotations

import functools
import uuid

from django.db import connection

from accounts.models import Organisation, User
from casework.models import Case, CaseKey, Consent
from core import sql
from referrals.models import Referral

_PARTS = [(Referral, "r"), (Case, "c"), (Organisation, "f"), (Organisation, "t"), (User, "u")]


@functools.cache
def _statement(vendor: str) -> str:
    select = ", ".join([*(column for model, alias in _PARTS for column in sql.columns(model, alias)), "k.wrapped"])
    return (
        f"SELECT {select} FROM {sql.table(Referral)} r"  # noqa: S608 (names from the models, no value)
        f" INNER JOIN {sql.table(Case)} c ON c.id = r.case_id"
        f" INNER JOIN {sql.table(Organisation)} f ON f.id = r.from_org_id"
        f" INNER JOIN {sql.table(Organisation)} t ON t.id = r.to_org_id"
        f" INNER JOIN {sql.table(User)} u ON u.id = r.sent_by_id"
        f" LEFT OUTER JOIN {sql.table(CaseKey)} k ON k.case_id = c.id WHERE r.id = %s"
    )


def referral_with_parties(referral_id: uuid.UUID) -> Referral | None:
    """The referral with its ``case``, ``from_org``, ``to_org`` and ``sent_by`` already read, and the case's wrapped
    data key for its vault (vault.Vault.for_case); None when there is no such referral."""
    found = sql.rows(_statement(connection.vendor), [Referral._meta.pk.get_db_prep_value(referral_id, connection)])
    if not found:
        return None
    referral, case, sender, receiver, sent_by = sql.instances(found[0], [model for model, _alias in _PARTS])
    case.wrapped_key = found[0][-1]  # None: no key row (Vault.key says so)
    for relation, value in ((Referral.case, case), (Referral.from_org, sender), (Referral.to_org, receiver)):
        relation.field.set_cached_value(referral, value)
    Referral.sent_by.field.set_cached_value(referral, sent_by)
    return referral


@functools.cache
def _locking(vendor: str, with_consent: bool) -> str:
    select = ", ".join([*sql.columns(Referral, "r"), *(sql.columns(Consent, "cs") if with_consent else [])])
    joined = f" LEFT OUTER JOIN {sql.table(Consent)} cs ON cs.id = r.consent_id" if with_consent else ""
    lock = " FOR UPDATE OF r" if connection.features.has_select_for_update else ""  # SQLite: one writer at a time
    return f"SELECT {select} FROM {sql.table(Referral)} r{joined} WHERE r.id = %s{lock}"  # noqa: S608 (names only)


def locked_row(referral_id: uuid.UUID, *, with_consent: bool = False) -> Referral:
    """The referral's row as it is now, locked until the transaction ends (PostgreSQL), with its ``consent`` (or
    none) when asked; Referral.DoesNotExist when it is gone."""
    found = sql.rows(
        _locking(connection.vendor, with_consent), [Referral._meta.pk.get_db_prep_value(referral_id, connection)]
    )
    if not found:
        raise Referral.DoesNotExist
    if not with_consent:
        return sql.instance(Referral, found[0])
    referral, consent = sql.instances(found[0], [Referral, Consent])
    Referral.consent.field.set_cached_value(referral, consent)
    return referral


@functools.cache
def _others(vendor: str, one: bool) -> str:
    chosen = " AND o.id = %s" if one else ""
    return (
        f"SELECT {', '.join(sql.columns(Organisation, 'o'))} FROM {sql.table(Organisation)} o"  # noqa: S608 (names)
        f" WHERE o.is_active AND o.id <> %s AND o.id <> %s{chosen} ORDER BY o.name"
    )


def active_organisations_but(first: int, second: int, *, only: int | None = None) -> list[Organisation]:
    """The active organisations other than these two, by name (Organisation's order), or only the one ``only``
    names if it is one of them: what the ORM's filter gave, without its building of the statement."""
    params = [first, second] if only is None else [first, second, only]
    found = sql.rows(_others(connection.vendor, only is not None), params)
    return [sql.instance(Organisation, row) for row in found]
