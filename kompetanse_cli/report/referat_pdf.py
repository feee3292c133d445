"""`kt referat --ut brev.pdf`: the HTML letter (the same template as `--ut brev.html`) as a PDF.

fpdf2 writes the PDF in pure Python, so no browser, LibreOffice or system library is needed.
Its HTML support is small (paragraphs, headings, lists, bold, font colours), so the letter's
markup is first reduced to that: the letterhead's logo in Nav red, a table row as «Label: value»,
a `<span class="tema">` in bold. Any other tag keeps its text; images are left out, so that a
fylke's own template cannot have a file from the disk put into a letter. The font (Liberation Sans, the
metrics of Arial as in the Word letter) ships with kt, so every letter can hold every name.
"""

from __future__ import annotations

import html as htmllib
import re
from importlib import resources

MARGIN_MM = 20
FONT = "LiberationSans"
FONT_SIZE = 10.5
NAV_RED = "#c30000"
GREY = "#6a6a6a"
TEXT = "#262626"

_DROP = re.compile(r"<(style|script|title|head)\b.*?</\1\s*>", re.S | re.I)
# fpdf2 would read an <img src> from the disk: a fylke's own template must not reach files this way either
_IMAGES = re.compile(r"<img\b[^>]*>", re.I)
_BODY = (re.compile(r"<main\b[^>]*>(.*)</main\s*>", re.S | re.I), re.compile(r"<body\b[^>]*>(.*)</body\s*>", re.S | re.I))
_CLASSED_DIV = re.compile(r'<div class="(logo|avsender|dato)">(.*?)</div>', re.S)
_REWRITES = (
    (re.compile(r"<th\b[^>]*>(.*?)</th\s*>", re.S | re.I), r"<b>\1:</b> "),
    (re.compile(r"<table\b[^>]*>", re.I), "<p>"),
    (re.compile(r"</table\s*>", re.I), "</p>"),
    (re.compile(r"<tr\b[^>]*>", re.I), ""),
    (re.compile(r"</tr\s*>", re.I), "<br>"),
    (re.compile(r'<span class="tema">(.*?)</span>', re.S), r"<b>\1</b>"),
    (re.compile(r'<p class="(?:mottaker|hilsen)">'), "<br><p>"),  # the space the stylesheet gives them
    # tags fpdf2 has no use for: their text stays
    (re.compile(r"</?(tbody|thead|td|header|section|main|div|span|article|footer|nav)\b[^>]*>", re.I), ""),
)


def _font_path(name: str) -> str:
    return str(resources.files("kompetanse_cli.data").joinpath("fonts", name))


def simple_html(letter_html: str) -> str:
    """The letter's body in the HTML fpdf2 understands."""
    text = _IMAGES.sub("", _DROP.sub("", letter_html))
    for pattern in _BODY:
        match = pattern.search(text)
        if match:
            text = match.group(1)
            break

    def letterhead(match: re.Match[str]) -> str:
        kind, inner = match.groups()
        if kind == "logo":
            return f'<font color="{NAV_RED}" size="22"><b>{inner}</b></font><br>'
        return f'<font color="{GREY}" size="9">{inner}</font><br>'

    text = _CLASSED_DIV.sub(letterhead, text)
    for pattern, replacement in _REWRITES:
        text = pattern.sub(replacement, text)
    return re.sub(r"\n\s*\n+", "\n", text)


def html_to_pdf(letter_html: str, *, title: str, language: str) -> bytes:
    """The letter as an A4 PDF (bytes)."""
    from fpdf import FPDF
    from fpdf.fonts import TextStyle

    pdf = FPDF(format="A4", unit="mm")
    pdf.set_margins(MARGIN_MM, 14, MARGIN_MM)
    pdf.set_auto_page_break(True, margin=14)
    pdf.add_font(FONT, "", _font_path("LiberationSans-Regular.ttf"))
    pdf.add_font(FONT, "B", _font_path("LiberationSans-Bold.ttf"))
    pdf.set_title(title)
    pdf.set_author("Nav")
    pdf.set_lang(language)
    pdf.set_creator("kt")
    pdf.add_page()
    pdf.set_text_color(TEXT)
    pdf.set_font(FONT, size=FONT_SIZE)
    # fpdf2 takes a margin of 0 as «the default» (a line): hence 0.01
    styles = {"h1": TextStyle(color=TEXT, font_size_pt=17, font_style="B", t_margin=4, b_margin=1.5),
              "h2": TextStyle(color=TEXT, font_size_pt=12.5, font_style="B", t_margin=3, b_margin=0.5),
              "p": TextStyle(t_margin=0.01, b_margin=1.5), "li": TextStyle(l_margin=5, t_margin=0.01),
              "ul": TextStyle(t_margin=0.01, b_margin=1.5)}
    pdf.write_html(simple_html(letter_html), font_family=FONT, tag_styles=styles,
                   warn_on_tags_not_matching=False, li_prefix_color=TEXT)
    return bytes(pdf.output())


def title_of(letter_html: str, fallback: str) -> str:
    match = re.search(r"<title>(.*?)</title>", letter_html, re.S | re.I)
    return htmllib.unescape(match.group(1).strip()) if match else fallback
