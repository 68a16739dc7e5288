"""The scheduling engine: recurring schedules that features register, delivered exactly once."""
