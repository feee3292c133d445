"""`kt config` and `kt mal`: the user's settings, and checking interview templates."""

from __future__ import annotations

from pathlib import Path

import typer

from kompetanse_cli import config
from kompetanse_cli.cli.common import console, err_console, esc, print_records
from kompetanse_cli.errors import InputError

# interview.template is imported by `kt mal sjekk`, so other commands start without it.

config_app = typer.Typer(help="Innstillinger: veileder-ident, navn og telefon i brev, standardfylke, kontor.",
                         no_args_is_help=True)
mal_app = typer.Typer(help="Intervjumaler (registreringsskjemaet og fylkesvarianter).", no_args_is_help=True)


@config_app.command("set")
def set_(
    nokkel: str = typer.Argument(..., metavar="NØKKEL", help=", ".join(config.SETTINGS)),
    verdi: str = typer.Argument(..., metavar="VERDI"),
) -> None:
    """Lagre en innstilling.

    Eksempler:

        kt config set veileder A123456

        kt config set navn "Kari Nordmann"

        kt config set telefon "12 34 56 78"

        kt config set fylke agder
    """
    repaired = config.set_value(nokkel, verdi)
    if repaired:
        err_console.print("[yellow]Advarsel:[/] innstillingsfilen kunne ikke leses; den er skrevet på nytt med "
                          "innstillingene som kunne leses og den nye. Se `kt config vis`.")
    console.print(f"{nokkel} = {esc(config.load()[nokkel])}")


@config_app.command("vis")
def vis() -> None:
    """Vis innstillingene.

    Eksempel:

        kt config vis
    """
    current = config.load()
    print_records(None, ["Innstilling", "Verdi", "Betydning"],
                  [[key, esc(current.get(key, "(ikke satt)")), f"[dim]{esc(meaning)}[/]"]
                   for key, meaning in config.SETTINGS.items()], lead=2, no_wrap=(0,), wrap=(2,))
    console.print(f"[dim]Fil: {esc(str(config.config_path()))}[/]")
    from kompetanse_cli.store import backend

    console.print(f"Database: {esc(backend.describe())}")


@mal_app.command("sjekk")
def sjekk(fil: Path = typer.Argument(..., help="Malfilen (TOML).", show_default=False)) -> None:
    """Sjekk en intervjumal: ukjente id-er i vilkår, vilkår på senere spørsmål, doble id-er, tomme svarlister.

    Eksempel:

        kt mal sjekk ~/kt/maler/agder.toml
    """
    from kompetanse_cli.interview.template import check_template_file

    template, problems = check_template_file(fil)
    if problems:
        raise InputError(f"{fil.name} har {len(problems)} feil:\n" + "\n".join(f"  - {p}" for p in problems))
    assert template is not None
    counts = ", ".join(f"nivå {n}: {len(template.level(n))}" for n in (1, 2, 3)) + f", oppfølging: {len(template.level(4))}"
    console.print(f"{fil.name}: malen «{template.id}» versjon {template.versjon} er gyldig ({counts} spørsmål).")


def register(root: typer.Typer) -> None:
    root.add_typer(config_app, name="config")
    root.add_typer(mal_app, name="mal")
