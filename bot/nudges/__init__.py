"""Activity and nudges: the community's agreed rhythm, each member's own wishes, and the prompt bank."""
