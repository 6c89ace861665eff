"""Network pages: the national map, a province, challenges, urgent needs, capacity, performance, quarterly reports.

Every view of a page and every export is in the access log. No page links to a list of records.
"""

from network.views.board import (
    challenge_moderate,
    challenge_report,
    challenges,
    need_moderate,
    need_offer,
    need_post,
    needs,
)
from network.views.figures import capacity, capacity_set, network_map, performance, province, refresh, refresh_status
from network.views.reports import (
    htcds_export,
    report_csv,
    report_detail,
    report_freeze,
    report_pdf,
    report_release,
    reports,
)

__all__ = [
    "capacity",
    "capacity_set",
    "challenge_moderate",
    "challenge_report",
    "challenges",
    "htcds_export",
    "need_moderate",
    "need_offer",
    "need_post",
    "needs",
    "network_map",
    "performance",
    "province",
    "refresh",
    "refresh_status",
    "report_csv",
    "report_detail",
    "report_freeze",
    "report_pdf",
    "report_release",
    "reports",
]
