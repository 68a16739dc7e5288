"""Recurring schedules: RFC 5545 rules evaluated in local time, read from and written as plain phrases.

`Recurrence` is the value (bot.recurrence.value); `parse_recurrence` reads a phrase such as "every 2 weeks on
Tuesday at 15:00" or "elke maand op de eerste donderdag" (bot.recurrence.phrases); `describe` writes one
back in the same grammar, in the reader's language (bot.recurrence.sentences).

Inside: the RRULE value (rule), wall times in a zone (zones), the RFC 5545 text form (rfc5545), and the
evaluation of a recurrence (evaluation, with the rules worked out period by period in periods and the rest
by dateutil in anchored).
"""

from bot.recurrence.phrases import EXAMPLES, Rhythm, parse_recurrence, read_rhythm
from bot.recurrence.sentences import describe
from bot.recurrence.value import Recurrence

__all__ = ["EXAMPLES", "Recurrence", "Rhythm", "describe", "parse_recurrence", "read_rhythm"]
