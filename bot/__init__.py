"""Hearth's platform-agnostic core: domain types, rules, services, ports and the dispatcher."""
