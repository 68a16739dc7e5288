"""Recurring schedules: RFC 5545 rules evaluated in local time, read from and written as plain phrases."""

from bot.recurrence.rule import Recurrence

__all__ = ["Recurrence"]
