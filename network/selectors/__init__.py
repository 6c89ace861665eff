"""Every read of network data. Figures leave here already under the disclosure rule (network/disclosure.py).

Who sees what:
- every active member (caseworker, coordinator, admin) sees the network's aggregates, approved challenges and
  approved, unexpired posted needs;
- figures about one organisation (its referral performance, its own high-risk cases without a service, its pending
  posts) only that organisation's members and the coordinators;
- moderation queues only coordinators.

The reads live in three modules, all re-exported here (``network.selectors.<name>`` is the public face):
figures.py (periods, protected tables, the map, a province), board.py (challenges, needs, capacity, performance),
reports.py (quarterly reports and ``report_figures``).
"""

from network.selectors.board import *  # noqa: F403
from network.selectors.figures import *  # noqa: F403
from network.selectors.reports import *  # noqa: F403
