"""Make the Word templates (referat_nb.docx, referat_nn.docx, til_veileder.docx) for `kt referat`.

The .docx files are committed; run this again after changing the wording here:

    python -m kompetanse_cli.templates.referat.make_docx_templates

They are docxtpl templates: `{{ … }}` prints a variable, a paragraph holding only `{%p … %}` is a
condition or loop over whole paragraphs, a table row holding only `{%tr … %}` the same for rows.
A fylke can open a copy in Word, change wording and layout, and put it in KT_HOME/maler/referat/.
The text follows the .txt and .html templates beside this file; keep them saying the same.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

HERE = Path(__file__).parent
NAV_RED = RGBColor(0xC3, 0x00, 0x00)
TEXT = RGBColor(0x26, 0x26, 0x26)
GREY = RGBColor(0x6A, 0x6A, 0x6A)
FIXED_TIME = dt.datetime(2024, 1, 1, 12, 0, 0)  # so that regenerating gives the same files

THANKS = ('{% if samtale.dato_lang %} {{ samtale.dato_lang }}{% endif %}{% if samtale.form == "telefon" %} på telefon'
          '{% elif samtale.form == "video" %} på video{% endif %}')

TEXTS: dict[str, dict[str, str]] = {
    "nb": {
        "title": "Referat fra samtalen om kompetansetiltak",
        "thanks": "Takk for samtalen vi hadde" + THANKS + ". Her er en kort oppsummering av det vi snakket om, og det "
                  "vi ble enige om. Vi skriver ikke diagnoser i dette referatet.{% if notat %} Notatet nedenfor er det vi "
                  "ble enige om å ta med.{% endif %} Det er frivillig å delta i et kompetansetiltak.",
        "talked": "Dette snakket vi om",
        "t_helse": "hvordan du har det i jobben nå, og hvordan du tenker om årene fremover.",
        "t_tilrett": "hva arbeidsgiveren din har prøvd å legge til rette for, og hvilke muligheter som finnes på "
                     "arbeidsplassen.",
        "t_komp": "utdanningen din og det du kan fra jobb og erfaring.",
        "t_onsker_label": "Ønsker for fremtidig arbeid:",
        "t_inntekt": "hva det betyr for inntekten din hvis et tiltak varer lenger enn sykepengeperioden.",
        "noted": "Dette noterte vi",
        "agreed": "Dette ble vi enige om",
        "a_tiltak": "Vi ble enige om at du skal delta i et kompetansetiltak. Dette er planlagt:",
        "provider": "Tilbyder",
        "a_past": "Tiltaket er planlagt å vare lenger enn sykepengeperioden din. Les avsnittet om inntekt nedenfor.",
        "a_plan": "Vi ble enige om å se nærmere på et kompetansetiltak som kan passe for deg.",
        "a_nei": "Vi ble enige om at et kompetansetiltak ikke er aktuelt for deg nå.",
        "a_uavklart": "Vi ble enige om at vi trenger litt mer tid før vi avgjør om et kompetansetiltak passer for deg.",
        "next": "Neste steg",
        "n_tiltak": "Tilbyderen eller Nav gir deg beskjed om det praktiske før oppstarten. Si fra til oss hvis "
                    "situasjonen din endrer seg.",
        "n_plan": "Nav finner et kurs eller en utdanning som passer, og henter inn tilbud fra tilbydere. Vi tar "
                  "kontakt med deg når vi vet mer.",
        "n_nei": "Du fortsetter oppfølgingen som før med veilederen din på Nav-kontoret. Ta gjerne kontakt med oss "
                 "igjen hvis situasjonen din endrer seg.",
        "n_uavklart": "Nav gjør de avklaringene som trengs, og tar kontakt med deg igjen.",
        "income": "Viktig om inntekt etter sykepengeperioden",
        "income_text": "Du kan få sykepenger i opptil 52 uker. Det er ikke sikkert at du har rett til inntekt fra Nav "
                       "etter at sykepengeperioden er slutt, selv om du er med i et kompetansetiltak. Om du da kan få "
                       "en annen ytelse, for eksempel arbeidsavklaringspenger, må vurderes for seg. Spør oss gjerne "
                       "hvis du lurer på hva dette betyr for deg.",
        "questions": "Spørsmål?",
        "questions_text": "Har du spørsmål, eller er det noe i referatet som ikke stemmer? {% if telefon %}Ring meg på "
                          "{{ telefon }}, eller send oss en melding på nav.no.{% else %}Send oss en melding på "
                          "nav.no, eller ring oss på 55 55 33 33.{% endif %}",
        "regards": "Med vennlig hilsen",
        "lang": "nb-NO",
    },
    "nn": {
        "title": "Referat frå samtalen om kompetansetiltak",
        "thanks": "Takk for samtalen vi hadde" + THANKS + ". Her er ei kort oppsummering av det vi snakka om, og det "
                  "vi vart samde om. Vi skriv ikkje diagnosar i dette referatet.{% if notat %} Notatet nedanfor er det vi "
                  "vart samde om å ta med.{% endif %} Det er frivillig å delta i eit kompetansetiltak.",
        "talked": "Dette snakka vi om",
        "t_helse": "korleis du har det i jobben no, og korleis du tenkjer om åra framover.",
        "t_tilrett": "kva arbeidsgivaren din har prøvd å leggje til rette for, og kva moglegheiter som finst på "
                     "arbeidsplassen.",
        "t_komp": "utdanninga di og det du kan frå jobb og erfaring.",
        "t_onsker_label": "Ønske for framtidig arbeid:",
        "t_inntekt": "kva det betyr for inntekta di dersom eit tiltak varer lenger enn sjukepengeperioden.",
        "noted": "Dette noterte vi",
        "agreed": "Dette vart vi samde om",
        "a_tiltak": "Vi vart samde om at du skal delta i eit kompetansetiltak. Dette er planlagt:",
        "provider": "Tilbydar",
        "a_past": "Tiltaket er planlagt å vare lenger enn sjukepengeperioden din. Les avsnittet om inntekt nedanfor.",
        "a_plan": "Vi vart samde om å sjå nærare på eit kompetansetiltak som kan passe for deg.",
        "a_nei": "Vi vart samde om at eit kompetansetiltak ikkje er aktuelt for deg no.",
        "a_uavklart": "Vi vart samde om at vi treng litt meir tid før vi avgjer om eit kompetansetiltak passar for "
                      "deg.",
        "next": "Neste steg",
        "n_tiltak": "Tilbydaren eller Nav gir deg beskjed om det praktiske før oppstarten. Sei frå til oss dersom "
                    "situasjonen din endrar seg.",
        "n_plan": "Nav finn eit kurs eller ei utdanning som passar, og hentar inn tilbod frå tilbydarar. Vi tek "
                  "kontakt med deg når vi veit meir.",
        "n_nei": "Du held fram med oppfølginga som før hos rettleiaren din på Nav-kontoret. Ta gjerne kontakt med oss "
                 "att dersom situasjonen din endrar seg.",
        "n_uavklart": "Nav gjer dei avklaringane som trengst, og tek kontakt med deg att.",
        "income": "Viktig om inntekt etter sjukepengeperioden",
        "income_text": "Du kan få sjukepengar i opptil 52 veker. Det er ikkje sikkert at du har rett til inntekt frå "
                       "Nav etter at sjukepengeperioden er slutt, sjølv om du er med i eit kompetansetiltak. Om du då "
                       "kan få ei anna yting, til dømes arbeidsavklaringspengar, må vurderast for seg. Spør oss gjerne "
                       "dersom du lurer på kva dette betyr for deg.",
        "questions": "Spørsmål?",
        "questions_text": "Har du spørsmål, eller er det noko i referatet som ikkje stemmer? {% if telefon %}Ring meg "
                          "på {{ telefon }}, eller send oss ei melding på nav.no.{% else %}Send oss ei melding på "
                          "nav.no, eller ring oss på 55 55 33 33.{% endif %}",
        "regards": "Med venleg helsing",
        "lang": "nn-NO",
    },
}


# ---------- document set-up ----------

def _new_document(language: str, title: str) -> DocxDocument:
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    # tight enough that the longest standard letter (a measure, a note, the signature) fits one page
    section.top_margin = section.bottom_margin = Cm(1.6)
    section.left_margin = section.right_margin = Cm(2.2)
    styles = document.styles
    normal = styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10.5)
    normal.font.color.rgb = TEXT
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.05
    _set_language(normal, language)
    for name, size, before in (("Title", 17, 4), ("Heading 1", 12.5, 8)):
        style = styles[name]
        style.font.name = "Arial"
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = TEXT
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(3)
        _plain_heading(style)
    styles["Title"].paragraph_format.space_after = Pt(6)
    styles["List Bullet"].paragraph_format.space_after = Pt(2)
    properties = document.core_properties
    properties.author = "Nav"
    properties.last_modified_by = "Nav"
    properties.title = title
    properties.language = language
    properties.comments = ""
    properties.created = properties.modified = FIXED_TIME
    properties.revision = 1
    return document


def _set_language(style, language: str) -> None:
    """Word's spelling check in the letter's målform."""
    rpr = style.element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), language)
    rpr.append(lang)
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is not None:
        for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attribute), None)


def _plain_heading(style) -> None:
    """The default template's headings have a blue theme colour and a bottom border; letters do not."""
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is not None:
        for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attribute), None)
    ppr = style.element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)


def _shade(paragraph, fill: str = "F1F1F1", bar: str = "C30000") -> None:
    """A grey box with a red bar on the left, for the income reminder."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    left = OxmlElement("w:left")
    for key, value in (("w:val", "single"), ("w:sz", "24"), ("w:space", "8"), ("w:color", bar)):
        left.set(qn(key), value)
    borders.append(left)
    ppr.append(borders)
    shading = OxmlElement("w:shd")
    for key, value in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", fill)):
        shading.set(qn(key), value)
    ppr.append(shading)
    paragraph.paragraph_format.left_indent = Cm(0.3)
    paragraph.paragraph_format.right_indent = Cm(0.3)


def _tag(document, tag: str) -> None:
    """A paragraph holding only a docxtpl `{%p … %}` tag (it disappears when the letter is made)."""
    document.add_paragraph(f"{{%p {tag} %}}")


def _letterhead(document, sender_lines: list[str], date: str) -> None:
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    _widths(table, (Cm(11.6), Cm(5.0)))
    left, right = table.rows[0].cells
    logo = left.paragraphs[0]
    run = logo.add_run("Nav")
    run.bold, run.font.size, run.font.color.rgb = True, Pt(22), NAV_RED
    for line in sender_lines:
        small = left.add_paragraph()
        text = small.add_run(line)
        text.font.size, text.font.color.rgb = Pt(10), GREY
        small.paragraph_format.space_after = Pt(0)
    dated = right.paragraphs[0]
    dated.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    text = dated.add_run(date)
    text.font.size, text.font.color.rgb = Pt(10), GREY
    spacer = document.add_paragraph()
    spacer.paragraph_format.space_after = Pt(0)
    spacer.paragraph_format.line_spacing = Pt(8)


def _widths(table, widths: tuple) -> None:
    """Fixed column widths (Word reads the cells, LibreOffice the grid: set both)."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width


def _labelled(document, label: str, text: str, style: str = "List Bullet") -> None:
    paragraph = document.add_paragraph(style=style)
    paragraph.add_run(label + " ").bold = True
    paragraph.add_run(text)


def _measure_table(document, provider: str) -> None:
    rows = [("Type tiltak", "{{ tiltak.type_tekst }}"), ("Kurs eller utdanning", "{{ tiltak.kurs }}"),
            (provider, "{{ tiltak.tilbyder }}"), ("Oppstart", "{{ tiltak.start_lang }}"),
            ("Slutt", "{{ tiltak.slutt_lang }}"), ("{%tr if tiltak.vedtaksdato_lang %}", ""),
            ("Vedtaksdato", "{{ tiltak.vedtaksdato_lang }}"), ("{%tr endif %}", "")]
    table = document.add_table(rows=len(rows), cols=2)
    _widths(table, (Cm(4.6), Cm(12.0)))
    for (label, value), row in zip(rows, table.rows, strict=True):
        head, cell = row.cells[0].paragraphs[0], row.cells[1].paragraphs[0]
        head.add_run(label).bold = not label.startswith("{%")
        cell.add_run(value)
        head.paragraph_format.space_after = cell.paragraph_format.space_after = Pt(1)


# ---------- the letters ----------

def make_referat(malform: str) -> DocxDocument:
    t = TEXTS[malform]
    document = _new_document(t["lang"], t["title"])
    _letterhead(document, ["{{ avsender }}"], "{{ dato_lang }}")
    _tag(document, "if navn")
    document.add_paragraph("Til {{ navn }}")
    _tag(document, "endif")
    document.add_paragraph(t["title"], style="Title")
    document.add_paragraph("Hei!")
    document.add_paragraph(t["thanks"])

    # a topic is named only when the conversation covered it (referat.topics)
    _tag(document, "if tema.noen")
    document.add_paragraph(t["talked"], style="Heading 1")
    for topic, label, text in (("helse", "Helse og arbeid:", t["t_helse"]),
                               ("tilrettelegging", "Tilrettelegging:", t["t_tilrett"]),
                               ("kompetanse", "Kompetanse:", t["t_komp"]),
                               ("onsker", t["t_onsker_label"], "{{ onsker.tekst }}"),
                               ("inntekt", "Inntekt:", t["t_inntekt"])):
        _tag(document, f"if tema.{topic}")
        _labelled(document, label, text)
        _tag(document, "endif")
    _tag(document, "endif")

    _tag(document, "if notat")
    document.add_paragraph(t["noted"], style="Heading 1")
    _tag(document, "for avsnitt in notat_avsnitt")
    document.add_paragraph("{{ avsnitt }}")
    _tag(document, "endfor")
    _tag(document, "endif")

    document.add_paragraph(t["agreed"], style="Heading 1")
    _tag(document, 'if utfall == "tiltak"')
    document.add_paragraph(t["a_tiltak"])
    _measure_table(document, t["provider"])
    _tag(document, "if tiltak.etter_sykepengeperioden")
    document.add_paragraph(t["a_past"]).paragraph_format.space_before = Pt(6)
    _tag(document, "endif")
    _tag(document, 'elif utfall == "planlegges"')
    document.add_paragraph(t["a_plan"])
    _tag(document, 'elif utfall == "ikke_aktuell"')
    document.add_paragraph(t["a_nei"])
    _tag(document, "else")
    document.add_paragraph(t["a_uavklart"])
    _tag(document, "endif")

    document.add_paragraph(t["next"], style="Heading 1")
    _tag(document, 'if utfall == "tiltak"')
    document.add_paragraph(t["n_tiltak"])
    _tag(document, 'elif utfall == "planlegges"')
    document.add_paragraph(t["n_plan"])
    _tag(document, 'elif utfall == "ikke_aktuell"')
    document.add_paragraph(t["n_nei"])
    _tag(document, "else")
    document.add_paragraph(t["n_uavklart"])
    _tag(document, "endif")

    heading = document.add_paragraph(t["income"], style="Heading 1")
    _shade(heading)
    heading.paragraph_format.space_after = Pt(0)
    heading.paragraph_format.keep_with_next = True
    box = document.add_paragraph(t["income_text"])
    _shade(box)
    box.paragraph_format.keep_together = True

    document.add_paragraph(t["questions"], style="Heading 1")
    document.add_paragraph(t["questions_text"])
    closing = document.add_paragraph(t["regards"])
    closing.paragraph_format.space_before = Pt(12)
    closing.paragraph_format.space_after = Pt(0)
    closing.paragraph_format.keep_with_next = True
    signed = document.add_paragraph("{% if veileder_navn %}{{ veileder_navn }}\n{% endif %}{{ avsender }}"
                                    "{% if telefon %}\nTelefon {{ telefon }}{% endif %}")
    signed.paragraph_format.space_after = Pt(0)
    return document


def make_til_veileder() -> DocxDocument:
    document = _new_document("nb-NO", "Melding om gjennomført kartleggingssamtale")
    _letterhead(document, ["Til: {{ kontor }}", "Fra: {% if veileder_navn %}{{ veileder_navn }} ({{ avsender }})"
                                                "{% else %}{{ avsender }}{% endif %}"], "{{ dato }}")
    document.add_paragraph("Melding om gjennomført kartleggingssamtale", style="Title")
    who = document.add_paragraph()
    who.add_run("Kandidat: ").bold = True
    who.add_run('{{ navn or "(navn ikke registrert)" }}, {{ fnr_maskert }} (kt-id {{ kt_id }})')
    document.add_paragraph(
        "Vi har hatt en kartleggingssamtale om kompetansetiltak for sykmeldte med kandidaten"
        "{% if samtale.dato %} {{ samtale.dato }}{% endif %}.{% if holdt_av %} Samtalen ble gjennomført av "
        "{{ holdt_av }}{% if registrert_av %} ({{ registrert_av }}){% endif %}.{% elif registrert_av %} "
        "Samtalen er registrert av {{ registrert_av }}.{% endif %}")
    document.add_paragraph("Meldingen er til orientering, slik at du vet at samtalen har funnet sted. Den inneholder "
                           "med vilje ingen opplysninger fra samtalen. Har du spørsmål, ta kontakt med avsenderen.")
    closing = document.add_paragraph("Med vennlig hilsen")
    closing.paragraph_format.space_before = Pt(18)
    closing.paragraph_format.space_after = Pt(0)
    document.add_paragraph("{{ veileder_navn or avsender }}{% if telefon %}\nTelefon {{ telefon }}{% endif %}")
    return document


def _fix_zip_times(path: Path) -> None:
    """Give every zip entry the same time stamp, so that an unchanged template regenerates byte for byte."""
    with zipfile.ZipFile(path) as source:
        entries = [(info.filename, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in entries:
            target.writestr(zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6]), data,
                            compress_type=zipfile.ZIP_DEFLATED)


def main(folder: Path = HERE) -> list[Path]:
    written = []
    for name, document in (("referat_nb.docx", make_referat("nb")), ("referat_nn.docx", make_referat("nn")),
                           ("til_veileder.docx", make_til_veileder())):
        path = folder / name
        document.save(str(path))
        _fix_zip_times(path)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in main():
        print(path)
