"""Adapters: the console, Slack and Discord; the command line and the composition root."""
