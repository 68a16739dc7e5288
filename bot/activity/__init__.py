"""The activity record: who posted, replied and reacted where and when in a community's channels, never what."""
