"""Finding persons by (part of) their name: any case, æøå or not."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kompetanse_cli.errors import UsageError
from kompetanse_cli.folding import fold
from kompetanse_cli.store import audit
from kompetanse_cli.store import finding as store
from kompetanse_cli.store.api import Db
from kompetanse_cli.store.db import transaction
from kompetanse_cli.store.persons import mask_fnr

MIN_LETTERS = 2


@dataclass(frozen=True)
class FoundPerson:
    id: str
    fnr_masked: str
    navn: str | None
    fylke: str | None
    kontor: str | None
    last_list: dt.date | None

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "fnr": self.fnr_masked, "name": self.navn, "fylke": self.fylke, "kontor": self.kontor,
                "list_date": self.last_list.isoformat() if self.last_list else None}


def find_by_name(conn: Db, text: str, *, veileder: str | None) -> list[FoundPerson]:
    """Persons whose name contains every word typed (in any order); each one found is logged as
    looked up, like a look-up by fødselsnummer (the text typed is not: it may be a name)."""
    words = [fold(word) for word in text.split()]
    if not words or sum(len(w) for w in words) < MIN_LETTERS:
        raise UsageError(f"Skriv minst {MIN_LETTERS} bokstaver av navnet, f.eks. --navn berg.")
    found = []
    for row in store.named_persons(conn):
        name = fold(row["navn"])
        if all(word in name for word in words):
            found.append(FoundPerson(row["kort_id"], mask_fnr(row["fnr"]), row["navn"], row["fylke"], row["kontor"],
                                     dt.date.fromisoformat(row["listedato"]) if row["listedato"] else None))
    with transaction(conn):
        for person in found:
            audit.log(conn, veileder=veileder, handling="person søkt opp", person=person.id, detaljer="søk på navn")
    return found
