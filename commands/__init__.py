"""Slash commands: one declarative registry, a text parser, generated help and the handlers."""
