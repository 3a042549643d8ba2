"""Every kind of pay line the engine writes has a word on the pages (`templating.LINE_KINDS`), so the
kind column never shows an engine id such as `balance_recovery`."""

from __future__ import annotations

import re
from pathlib import Path

from payplan.core import negative
from payplan.i18n import translations
from payplan.web.templating import LINE_KINDS

CORE = Path(negative.__file__).parent


def engine_line_kinds() -> set[str]:
    """The kinds the core passes to `Line(component, "kind", …)`, and the negative total's settlements."""
    kinds = {m.group(1) for path in CORE.glob("*.py")
             for m in re.finditer(r'\bLine\([^,()]+, "([a-z_]+)"', path.read_text(encoding="utf-8"))}
    return kinds | set(negative._LABELS) | {"adjustment"}  # an adjustment run's line (`payplan.runs.adjustments`)


def test_every_engine_line_kind_has_a_word_in_both_languages():
    kinds = engine_line_kinds()
    assert {"commission", "clawback", "carry", "forgive", "balance_recovery"} <= kinds  # the scan finds them
    assert kinds <= set(LINE_KINDS), kinds - set(LINE_KINDS)
    uk = translations("uk")
    assert all(uk.gettext(LINE_KINDS[k]) != LINE_KINDS[k] for k in kinds), [k for k in kinds if
                                                                         uk.gettext(LINE_KINDS[k]) == LINE_KINDS[k]]
