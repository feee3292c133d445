"""Screening: per-fylke rules as data, and a pure engine that explains every decision."""
