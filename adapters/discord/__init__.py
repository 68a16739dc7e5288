"""The Discord adapter: discord.py in, components and embeds out."""
