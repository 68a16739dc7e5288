"""What a command handler receives: the event context, with the member, community and a bound reply."""

from bot.context import EventContext as CommandContext

__all__ = ["CommandContext"]
