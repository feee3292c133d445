"""Personvern: innsyn, sletting, retention and backups. Never prints."""
