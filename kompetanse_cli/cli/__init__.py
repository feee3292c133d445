"""The command line: parse, call the core, render. The only place that imports typer and rich."""
