"""The community itself: setting a channel up, its settings, members' own preferences, facilitators."""
