"""Referatmaler: brevet til kandidaten (bokmål og nynorsk) og meldingen til NAV-kontoret."""
