"""Rapportmalen: `kt rapport --html` (jinja2, autoescape)."""
