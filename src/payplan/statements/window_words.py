"""The plan page's sentences for a component measured over a window (`measure = "window"`):
which window (the calendar year or quarter, or N periods from a date), that each period pays
what is due so far less what was paid, and when the window's pay is held to its end.

Sentences only, in the reader's language (`Words`); must not compute pay or read facts.
"""

from __future__ import annotations

from datetime import date

from payplan.core.plan import Commission, Scorecard
from payplan.i18n import N_, Words

CUMULATIVE = {
    "year": N_("Tiers apply to the base since the start of the year; each period pays what is due so far less "
               "what was paid so far."),
    "quarter": N_("Tiers apply to the base since the start of the quarter; each period pays what is due so far "
                  "less what was paid so far."),
    "periods": N_("Tiers apply to the base since the start of the window, %(n)s periods long (windows follow "
                  "each other from %(start)s); each period pays what is due so far less what was paid so far.")}
SCORED = {
    "year": N_("The KPIs are measured on the year so far: counts and amounts summed against the periods' "
               "targets summed, ratios from the year's totals; each period pays what is due so far less what "
               "was paid so far."),
    "quarter": N_("The KPIs are measured on the quarter so far: counts and amounts summed against the periods' "
                  "targets summed, ratios from the quarter's totals; each period pays what is due so far less "
                  "what was paid so far."),
    "periods": N_("The KPIs are measured on the window so far, %(n)s periods long (windows follow each other "
                  "from %(start)s): counts and amounts summed against the periods' targets summed, ratios from "
                  "the window's totals; each period pays what is due so far less what was paid so far.")}
INCENTIVE = {"year": N_("%(label)s: %(amount)s a year at a 100%% score."),
             "quarter": N_("%(label)s: %(amount)s a quarter at a 100%% score."),
             "periods": N_("%(label)s: %(amount)s a window at a 100%% score.")}
WINDOW_END = {"year": N_("It is paid in the last period of the year."),
              "quarter": N_("It is paid in the last period of the quarter."),
              "periods": N_("It is paid in the last period of each window.")}


def window_rules(c: Commission | Scorecard, plan_start: date, w: Words) -> list[str]:
    """The window's sentences for `c` (none when it measures each period on its own)."""
    if c.measure != "window":
        return []
    values = {"n": c.window_periods, "start": w.iso_date((c.window_start or plan_start).isoformat())}
    said = CUMULATIVE if isinstance(c, Commission) else SCORED
    rules = [_say(w, said[c.window], values)]
    if c.pay_on == "window_end":
        rules.append(_say(w, WINDOW_END[c.window], {}))
    return rules


def incentive_rule(c: Scorecard, label: str, w: Words) -> str:
    """A window scorecard's target incentive: for the whole window, not a period."""
    return _say(w, INCENTIVE[c.window], {"label": label, "amount": w.amount(c.target_incentive)})


def _say(w: Words, message: str, values: dict) -> str:
    text = w.catalog.gettext(message)
    return text % values if "%(" in message else text
