"""Gjør `python -m kompetanse_cli` likt med `kt`."""

from kompetanse_cli.cli.start import main

main()
