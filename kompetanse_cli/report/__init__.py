"""Output for people: exported workbooks, letters, tallies. Never prints."""
