"""`kt referat`: the letter to the candidate after the kartleggingssamtale, or the notice to the NAV-kontor."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from kompetanse_cli import config
from kompetanse_cli.cli.common import console, err_console, esc, open_db
from kompetanse_cli.errors import UsageError

# report.referat (jinja2, the interview modules) is imported by the command, so other commands start without it.


def _malform(text: str | None) -> str | None:
    if text is None:
        return None
    folded = text.strip().lower()
    if folded in ("nb", "bokmål", "bokmal"):
        return "nb"
    if folded in ("nn", "nynorsk"):
        return "nn"
    raise UsageError(f"--malform: «{text}» er ukjent. Skriv nb (bokmål) eller nn (nynorsk).")


def referat(
    person_id: str = typer.Argument(..., metavar="ID", help="kt-id fra `kt screen`/`kt liste`."),
    ut: Path = typer.Option(None, "--ut", "-o", metavar="FIL",
                            help="Lagre brevet i FIL; filtypen velger format (.docx, .pdf, .html, .txt). "
                                 "Uten --ut vises tekstversjonen i terminalen."),
    til_veileder: bool = typer.Option(False, "--til-veileder",
                                      help="Lag meldingen til kandidatens NAV-kontor om at samtalen er "
                                           "gjennomført (uten opplysninger fra samtalen)."),
    malform: str = typer.Option(None, "--malform", metavar="nb|nn",
                                help="Overstyr personens målform (standard: personens, ellers bokmål)."),
    overskriv: bool = typer.Option(False, "--overskriv", help="Erstatt FIL hvis den finnes fra før."),
    likevel: bool = typer.Option(False, "--likevel",
                                 help="Lag brevet selv om et fritekstsvar ser ut til å nevne en diagnose."),
) -> None:
    """Lag referatet fra kartleggingssamtalen til kandidaten, på kandidatens målform.

    Referatet sier når samtalen var, hva dere snakket om, hva dere ble enige om og neste steg,
    det planlagte tiltaket (når nivå 2 er fylt ut) og at inntekt etter sykepengeperioden ikke er
    sikret. Det tar ikke med diagnoser eller svar om helse; bare det du skrev i notatfeltet.
    Ser et fritekstsvar som står i brevet (notatet, kurset, tilbyderen) ut til å nevne en
    diagnose (en ICPC-2-kode som P76, eller et ord som depresjon), lages ikke brevet før du har
    rettet svaret, eller bekrefter med --likevel at det ikke er en diagnose.
    Fylket kan bruke egne maler i KT_HOME/maler/referat/ (samme filnavn som standardmalene).
    Hvert brev føres i brevloggen (når, mal, format, hvem).

    Eksempler:

        kt referat k7m2x

        kt referat k7m2x --ut referat.docx

        kt referat k7m2x --ut referat.pdf

        kt referat k7m2x --ut referat.html --malform nn

        kt referat k7m2x --til-veileder --ut melding.txt
    """
    from kompetanse_cli.report.referat import MALFORMER, format_for_path, record_letter, render_referat, write_letter

    chosen_form = _malform(malform)
    if til_veileder and chosen_form == "nn":
        raise UsageError("Meldingen til NAV-kontoret skrives på bokmål; --malform gjelder referatet til kandidaten.")
    fmt = format_for_path(ut) if ut is not None else "txt"
    veileder = config.veileder()
    if not veileder:
        raise UsageError("Hvem lager brevet? Sett NAV-identen din med `kt config set veileder A123456` "
                         "(eller miljøvariabelen KT_VEILEDER).")
    navn, telefon = config.signature()
    with open_db() as conn:
        letter = render_referat(conn, person_id, fmt=fmt, til_veileder=til_veileder, malform=chosen_form,
                                veileder=veileder, veileder_navn=navn, telefon=telefon,
                                allow_diagnoses=likevel)
        if ut is not None:
            write_letter(letter, ut, overwrite=overskriv)
        record_letter(conn, letter, veileder=veileder, destination="til fil" if ut is not None else "til skjerm")
    for warning in letter.warnings:
        err_console.print(f"[yellow]Advarsel:[/] {esc(warning)}")
    if ut is None:
        sys.stdout.write(letter.text)
        sys.stdout.flush()
        return
    what = "Meldingen til NAV-kontoret" if til_veileder else f"Referatet ({MALFORMER[letter.malform]})"
    template = "fylkets egen mal" if letter.custom_template else "standardmal"
    console.print(f"{what} er lagret i {ut} ({letter.format}, {template} {letter.template}).", soft_wrap=True,
                  markup=False)


def register(app: typer.Typer) -> None:
    app.command("referat")(referat)
