"""Is the list from the fylke it is screened for? A list of Hamar's sykmeldte screened with
`--fylke agder` makes everyone «ikke kandidat» and puts NAV Hamar in Agder's report; nothing
in the figures would show it. So the kommuner on the list are counted while it is read, and
a list whose rows mostly lie in another fylke is refused before it is stored.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from kompetanse_cli.errors import InputError
from kompetanse_cli.fylker import FYLKER, FylkeChoice, find_kommune

OVERRIDE = "--likevel"


class KommuneTally:
    """How many rows name each kommune, as written on the list: counted a batch at a time
    (in C, by Counter), and each distinct text looked up once at the end."""

    def __init__(self) -> None:
        self.texts: Counter[object] = Counter()

    def add(self, kommuner: Iterable[object]) -> None:
        self.texts.update(kommuner)

    def by_fylke(self) -> Counter[str]:
        """Rows per fylke, for the rows whose kommune kt knows."""
        counts: Counter[str] = Counter()
        for text, rows in self.texts.items():
            kommune = find_kommune(text) if isinstance(text, str) else None
            if kommune is not None:
                counts[kommune.fylke] += rows
        return counts


def check_list_fylke(tally: KommuneTally, chosen: FylkeChoice, *, where: str) -> None:
    """Refuse a list when most of its rows with a known kommune lie outside the chosen fylke(r),
    saying which fylke the kommuner belong to. `where` names the file and sheet."""
    counts = tally.by_fylke()
    known = sum(counts.values())
    outside = Counter({fylke: rows for fylke, rows in counts.items() if fylke not in chosen.keys})
    total_outside = sum(outside.values())
    if not known or total_outside * 2 <= known:
        return
    named = [f"{FYLKER.get(fylke, fylke)} ({rows})" for fylke, rows in outside.most_common(3)]
    places = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " og " + named[-1]
    likely = outside.most_common(1)[0][0]
    raise InputError(
        f"{where}: {total_outside} av {known} rader med kjent kommune ligger ikke i {chosen.label}, men i "
        f"{places}. Listen er ikke lagret.",
        hint=f"Er listen fra {FYLKER.get(likely, likely)}? Kjør med --fylke {likely}. Skal den screenes etter "
             f"reglene for {chosen.label} likevel, legg til {OVERRIDE}.")
