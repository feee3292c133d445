"""kt: verktøy for kompetansetiltak for sykmeldte (screening, kartlegging, referat, rapport)."""

__version__ = "0.1.0"
