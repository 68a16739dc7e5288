"""The community library: sources and ideas saved from chat, de-duplicated, tagged, findable."""
