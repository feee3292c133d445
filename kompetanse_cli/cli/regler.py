"""`kt regler vis` and `kt regler sjekk`: the screening rules, shown and checked."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from kompetanse_cli.cli.common import console, esc, print_records
from kompetanse_cli.cli.screen import choose_fylke
from kompetanse_cli.errors import InputError
from kompetanse_cli.screening.rules import CRITERIA, check_rule_file, describe_criterion, load_region

app = typer.Typer(help="Vis og sjekk screeningreglene per fylke.", no_args_is_help=True)


@app.command("vis")
def vis(
    fylke: str = typer.Option(None, "--fylke", "-f", help="Fylket, f.eks. agder."),
    som_json: bool = typer.Option(False, "--json", help="Skriv reglene som JSON."),
) -> None:
    """Vis reglene som gjelder for et fylke (med lokale endringer fra KT_HOME/regler).

    Eksempel:

        kt regler vis --fylke agder
    """
    choice = choose_fylke(fylke)
    region = load_region(choice)
    if som_json:
        sys.stdout.write(json.dumps([{"fylke": r.fylke, "version": r.version, "sources": r.sources, "rules": r.data}
                                     for r in region.rulesets], ensure_ascii=False, indent=2) + "\n")
        return
    if choice.note:
        console.print(f"[cyan]Merk:[/] {choice.note}")
    for rules in region.rulesets:
        console.print(f"\n[bold]{rules.data.get('navn', rules.fylke)}[/] – regelversjon {rules.version}")
        if rules.data.get("beskrivelse"):
            console.print(rules.data["beskrivelse"])
        console.print(f"Kilder: {', '.join(rules.sources)}")
        weeks = ", ".join(str(w) for w in rules.data.get("vurderingsuker", []))
        console.print(f"Listene gjennomgås ved: {weeks} uker")
        rows = []
        for name, label in CRITERIA.items():
            settings = dict(rules.data.get(name, {}))
            active = settings.pop("aktiv", False)
            keys = "; ".join(f"{k} = {_show(v)}" for k, v in settings.items())
            shown = esc(describe_criterion(name, settings)) + (f"\n[dim]{esc(keys)}[/]" if keys else "")
            rows.append([label, "ja" if active else "[dim]nei[/]", shown])
        print_records(None, ["Kriterium", "På", "Krav (og nøklene i regelfilen)"], rows, lead=2, no_wrap=(1,), wrap=(2,))


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in value) + "]"
    return str(value)


@app.command("sjekk")
def sjekk(fil: Path = typer.Argument(..., help="Regelfilen (TOML).", show_default=False)) -> None:
    """Sjekk en regelfil: ukjente nøkler, feil typer, manglende kriterier.

    Eksempel:

        kt regler sjekk ~/kt/regler/agder.toml
    """
    problems = check_rule_file(fil)
    if problems:
        raise InputError(f"{fil.name} har {len(problems)} feil:\n" + "\n".join(f"  - {p}" for p in problems))
    console.print(f"{fil.name}: reglene er gyldige.")
