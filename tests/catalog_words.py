"""The English words of the gettext catalog's message ids: what a uk page, report or table must not show."""

from __future__ import annotations

import re

from babel.messages.pofile import read_po

from payplan.i18n import catalog_path


def msgid_words() -> set[str]:
    with catalog_path("uk").open("rb") as po:
        catalog = read_po(po, locale="uk")
    words = set()
    for m in catalog:
        for text in (m.id if isinstance(m.id, tuple) else (m.id,)):
            words.update(w.lower() for w in re.findall(r"[A-Za-z]{2,}", re.sub(r"%\(\w+\)s", " ", text or "")))
    return words
