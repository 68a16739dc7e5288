"""Feedback polls: questions to a community, answered in chat, named or anonymous."""
