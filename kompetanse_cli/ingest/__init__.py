"""Reading office lists: files → clean rows and row errors. Never prints."""
