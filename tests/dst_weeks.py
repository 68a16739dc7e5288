"""The daylight-saving changes of 2026 that the time tests walk through: each zone's two, each on a Sunday."""

from __future__ import annotations

from datetime import datetime

CHANGES = [
    ("Europe/Brussels", datetime(2026, 3, 29)),
    ("Europe/Brussels", datetime(2026, 10, 25)),
    ("America/New_York", datetime(2026, 3, 8)),
    ("America/New_York", datetime(2026, 11, 1)),
    ("Australia/Sydney", datetime(2026, 4, 5)),
    ("Australia/Sydney", datetime(2026, 10, 4)),
]
