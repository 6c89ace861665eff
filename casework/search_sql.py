"""A search's candidates by blind index as one statement written out (selectors.search_case_ids, on PostgreSQL): the
cases whose section the user may see (the gate's, as ``selectors.visible_cases(user, section=...)``) that carry
every one of some digests of one kind, each with its sealed identity and wrapped key, for the check that follows a
name. The statement reads only the searcher's own organisation's rows of the first digest (``casework_blindindex_
owner``: kind, digest, owner), asks the owner's rule of each (access.own_visible), and adds the cases shared with
the organisation by referral: for a name, along the organisation's grants, asking each case for the digests; for a
full-length digest (NIK, passport, phone), from the digest's few rows network-wide, asking each for the grant. The
ORM's reading hashed every grant of the organisation (2,000 rows at a 2,000-case organisation) against the
network's rows of the digests: a name's truncated digest matches thousands. ``tests/casework/test_search.py`` holds
it to the gate for the owner, a colleague not named, and the organisation a case was referred to.

Table and column names come from the models; every value is a parameter."""

from __future__ import annotations

import uuid
from typing import Any

from accounts.models import User
from casework import access
from casework.models import BlindIndex, Case, CaseKey, Section
from core.sql import as_uuid, literal, rows, table

CANDIDATES = 500  # at most so many are decrypted and checked


def candidates(user: User, kind: str, digests: list[str], section: str) -> list[tuple[uuid.UUID, str, str | None]]:
    """(id, identity_enc, wrapped key) of the cases whose ``section`` the user may see that carry every one of these
    digests of ``kind``, at most ``CANDIDATES``. The caller has checked ``access.may_reach_cases``."""
    first, *rest = digests
    name = literal(BlindIndex.Kind(kind))

    def carries(case: str, digest_list: list[str]) -> str:
        return "".join(
            f" AND EXISTS (SELECT 1 FROM {table(BlindIndex)} x WHERE x.case_id = {case}"  # noqa: S608 (names)
            f" AND x.kind = {name} AND x.digest = %s OFFSET 0)"
            for _digest in digest_list
        )

    columns = f"c.id, c.identity_enc, (SELECT k.wrapped FROM {table(CaseKey)} k WHERE k.case_id = c.id)"  # noqa: S608
    own_rule, own_params = access.own_visible(user, "c")
    seen = (access.FULL_VIEW, access.SECTION_PERMISSIONS[Section(section)])
    own = (
        f"SELECT {columns} FROM {table(BlindIndex)} b INNER JOIN {table(Case)} c ON c.id = b.case_id"  # noqa: S608
        f" WHERE b.kind = {name} AND b.digest = %s AND b.owner_id = %s AND c.owner_id = b.owner_id"
        f"{carries('b.case_id', rest)} AND {own_rule}"
    )
    organisation_id = user.membership.organisation_id  # may_reach_cases: an active membership
    params: list[Any] = [first, organisation_id, *rest, *own_params]
    if kind == BlindIndex.Kind.NAME:
        # A name's digest is shared by thousands of rows: walk the organisation's grants instead, asking each case.
        shared, shared_params = access.shared_from(user, "c", seen)
        others = f"SELECT {columns} FROM {shared}{carries('c.id', digests)}"  # noqa: S608 (names)
        params += [*shared_params, *digests]
    else:
        # A NIK's, passport's or phone's digest is full length, a row or two network-wide: ask each for the grant.
        granted, shared_params = access.shared_to(user, "c", seen)
        others = (
            f"SELECT {columns} FROM {table(BlindIndex)} b INNER JOIN {table(Case)} c ON c.id = b.case_id"  # noqa: S608
            f" WHERE b.kind = {name} AND b.digest = %s{carries('b.case_id', rest)} AND {granted}"
        )
        params += [first, *rest, *shared_params]
    statement = f"({own}) UNION ALL ({others}) LIMIT {literal(CANDIDATES)}"
    return [(as_uuid(pk), identity, wrapped) for pk, identity, wrapped in rows(statement, params, generic=True)]
