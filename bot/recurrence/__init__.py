"""Recurring schedules: RFC 5545 rules evaluated in local time, read from and written as plain phrases.

`Recurrence` is the value (bot.recurrence.rule); `parse_recurrence` reads a phrase such as "every 2 weeks on
Tuesday at 15:00" or "elke maand op de eerste donderdag" (bot.recurrence.phrases); `describe` writes one
back in the same grammar, in the reader's language (bot.recurrence.sentences).
"""

from bot.recurrence.phrases import EXAMPLES, parse_recurrence
from bot.recurrence.rule import Recurrence
from bot.recurrence.sentences import describe

__all__ = ["EXAMPLES", "Recurrence", "describe", "parse_recurrence"]
