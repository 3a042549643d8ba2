"""Words and number formats of a statement in `en` and `uk`.

A small message catalogue (a dict per language) and a `Formatter` that prints
money, numbers, percentages and dates with Babel for one locale and currency.
The hryvnia prints as ₴ in both languages. Must not decide what is printed:
the view model does.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from decimal import Decimal

from babel.dates import format_date, format_datetime
from babel import Locale
from babel.numbers import format_currency, parse_pattern

from payplan.core.money import minor_units

# Babel prints the ISO code where a locale has no symbol of its own (UAH in `en`).
_SYMBOLS = {"UAH": "₴"}

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "title": "Compensation statement", "period": "Period", "rep": "Employee", "team": "Team",
        "role": "Role", "plan": "Plan", "version": "version", "plan_hash": "Plan hash",
        "run": "Run", "preview": "Preview from fact files — not an approved run",
        "state": "Status", "draft": "Draft", "submitted": "Submitted for approval",
        "approved": "Approved", "paid": "Paid", "rejected": "Rejected",
        "approved_by": "Approved by {who} on {when}", "watermark": "DRAFT",
        "total": "Total payable", "summary": "Summary", "component": "Component",
        "amount": "Amount", "scorecard": "KPI scorecard", "metric": "Metric", "weight": "Weight",
        "target": "Target", "actual": "Actual", "attainment": "Attainment", "points": "Points",
        "score": "Weighted score", "payout_ratio": "Payout ratio", "target_incentive": "Target incentive",
        "bonus_before_gates": "Bonus before gates", "gates": "Gates and multipliers",
        "gate_applied": "applied", "gate_passed": "passed", "chart": "Attainment per KPI",
        "deal": "Deal", "base": "Base", "share": "Share", "tiers": "Tier slices", "rate": "Rate",
        "blended": "blended", "commission": "Commission on deals", "lines": "Lines", "detail": "Detail",
        "subtotal": "Subtotal", "draw_in": "Draw balance owed, carried in",
        "draw_out": "Draw balance owed, carried out", "reverses": "reverses {what}",
        "negative_in": "Negative balance owed, carried in", "negative_out": "Negative balance owed, carried out",
        "clawback_of": "Clawback of deal {deal}", "how": "How this was calculated",
        "value": "Value", "page": "Page {n} of {m}", "no_data": "no data",
        "footer": "The calculation is embedded in this PDF ({name}); check it with `payplan verify`.",
        "issues": "Notes", "tier": "Tier {n}", "team_member": "credited to {rep}",
        "generated": "Generated", "currency": "Currency", "none": "—", "days": "{n} d",
        "adjusts": "Correction of run #{n}", "paid_before": "Paid before", "due_now": "Due now",
        "difference": "Difference",
        # why a correction changed pay (statements/reasons.py)
        "why": "Why this changed", "why_compared": "Compared with the facts of run #{n}:",
        "why_files": "Fact files imported since run #{n} was calculated:",
        "why_unknown": "The reason is not known: {why}.",
        "unknown_no_inputs": "run #{n} was stored before runs kept their facts",
        "unknown_not_in_run": "run #{n} did not include this employee",
        "unknown_not_scored": "this correction has no facts for this employee",
        "unknown_same_inputs": "the facts are the same as those of run #{n}",
        "unknown_not_kept": "this statement was printed before the reasons were kept",
        "why_deal_added": "Deal {deal} added: {status} on {day}, amount {amount}",
        "why_deal_removed": "Deal {deal} no longer counts: it was {status} on {day}, amount {amount}",
        "why_deal_changed": "Deal {deal}: {field} {before} → {now}", "why_on": "{status} on {day}",
        "why_metric": "Metric {metric}: {before} → {now}",
        "why_metric_count": "Metric {metric}: facts counted {before} → {now}",
        "why_target": "Target {target}: {before} → {now}", "why_rep": "Employee record, {field}: {before} → {now}",
        "why_team_added": "Team member {rep} added", "why_team_removed": "Team member {rep} no longer in the team",
        "why_draw": "Draw balance owed, carried in: {before} → {now}",
        "why_paid_deal": "Commission paid earlier on deal {deal}: {before} → {now}",
        "why_clawed_added": "Deal {deal} already clawed back",
        "why_clawed_removed": "Deal {deal} no longer clawed back",
        "why_file": "{source} imported by {who} on {when} (days {first} – {last})",
        "f_status": "status", "f_amount": "amount", "f_cost": "cost", "f_share": "share", "f_closed_at": "closed on",
        "f_created_at": "created on", "f_cancelled_at": "cancelled on", "f_product": "product",
        "f_currency": "currency", "f_name": "name", "f_email": "email", "f_role": "role", "f_team": "team",
        "f_manager_id": "manager", "f_hired_on": "hired on", "f_terminated_on": "left on", "f_salary": "salary",
        "s_won": "won", "s_cancelled": "cancelled", "s_lost": "lost", "s_open": "open",
    },
    "uk": {
        "title": "Розрахунковий лист винагороди", "period": "Період", "rep": "Працівник",
        "team": "Команда", "role": "Посада", "plan": "План", "version": "версія",
        "plan_hash": "Хеш плану", "run": "Розрахунок",
        "preview": "Попередній перегляд з файлів — не затверджений розрахунок",
        "state": "Статус", "draft": "Чернетка", "submitted": "Подано на затвердження",
        "approved": "Затверджено", "paid": "Виплачено", "rejected": "Відхилено",
        "approved_by": "Затвердив(ла) {who}, {when}", "watermark": "ЧЕРНЕТКА",
        "total": "До виплати", "summary": "Підсумок", "component": "Складова", "amount": "Сума",
        "scorecard": "Показники KPI", "metric": "Показник", "weight": "Вага", "target": "Ціль",
        "actual": "Факт", "attainment": "Виконання", "points": "Бали", "score": "Зважений бал",
        "payout_ratio": "Коефіцієнт виплати", "target_incentive": "Цільова премія",
        "bonus_before_gates": "Премія до умов", "gates": "Умови та множники",
        "gate_applied": "застосовано", "gate_passed": "виконано", "chart": "Виконання за KPI",
        "deal": "Угода", "base": "База", "share": "Частка", "tiers": "Розподіл за рівнями",
        "rate": "Ставка", "blended": "зважена", "commission": "Комісія за угодами", "lines": "Рядки",
        "detail": "Деталі", "subtotal": "Разом", "draw_in": "Заборгованість за авансом на початок",
        "draw_out": "Заборгованість за авансом на кінець", "reverses": "сторнує {what}",
        "negative_in": "Борг з від'ємних сум на початок", "negative_out": "Борг з від'ємних сум на кінець",
        "clawback_of": "Повернення комісії за угодою {deal}", "how": "Як це розраховано",
        "value": "Значення", "page": "Сторінка {n} з {m}", "no_data": "немає даних",
        "footer": "Розрахунок вкладено в цей PDF ({name}); перевірте його командою `payplan verify`.",
        "issues": "Примітки", "tier": "Рівень {n}", "team_member": "зараховано {rep}",
        "generated": "Сформовано", "currency": "Валюта", "none": "—", "days": "{n} дн.",
        "adjusts": "Коригування розрахунку #{n}", "paid_before": "Виплачено раніше",
        "due_now": "Належить зараз", "difference": "Різниця",
        "why": "Чому це змінилося", "why_compared": "Порівняно з фактами розрахунку #{n}:",
        "why_files": "Файли фактів, імпортовані після розрахунку #{n}:",
        "why_unknown": "Причина невідома: {why}.",
        "unknown_no_inputs": "розрахунок #{n} збережено до того, як розрахунки почали зберігати свої факти",
        "unknown_not_in_run": "розрахунок #{n} не охоплював цього працівника",
        "unknown_not_scored": "це коригування не має фактів щодо цього працівника",
        "unknown_same_inputs": "факти ті самі, що й у розрахунку #{n}",
        "unknown_not_kept": "цей лист сформовано до того, як причини почали зберігати",
        "why_deal_added": "Угоду {deal} додано: {status} {day}, сума {amount}",
        "why_deal_removed": "Угода {deal} більше не враховується: була {status} {day}, сума {amount}",
        "why_deal_changed": "Угода {deal}: {field} {before} → {now}", "why_on": "{status} {day}",
        "why_metric": "Показник {metric}: {before} → {now}",
        "why_metric_count": "Показник {metric}: кількість фактів {before} → {now}",
        "why_target": "Ціль {target}: {before} → {now}", "why_rep": "Дані працівника, {field}: {before} → {now}",
        "why_team_added": "До команди додано {rep}", "why_team_removed": "{rep} більше не в команді",
        "why_draw": "Заборгованість за авансом на початок: {before} → {now}",
        "why_paid_deal": "Комісія, виплачена раніше за угодою {deal}: {before} → {now}",
        "why_clawed_added": "Комісію за угодою {deal} вже повернуто",
        "why_clawed_removed": "Комісія за угодою {deal} більше не вважається поверненою",
        "why_file": "{source} імпортував(ла) {who} {when} (дні {first} – {last})",
        "f_status": "статус", "f_amount": "сума", "f_cost": "собівартість", "f_share": "частка",
        "f_closed_at": "дата закриття", "f_created_at": "дата створення", "f_cancelled_at": "дата скасування",
        "f_product": "продукт", "f_currency": "валюта", "f_name": "ім’я", "f_email": "ел. пошта",
        "f_role": "посада", "f_team": "команда", "f_manager_id": "керівник", "f_hired_on": "дата прийняття",
        "f_terminated_on": "дата звільнення", "f_salary": "оклад",
        "s_won": "виграна", "s_cancelled": "скасована", "s_lost": "програна", "s_open": "відкрита",
    },
}

# Trace node labels by the last part of their key, where the engine's words have a translation.
TRACE_LABELS: dict[str, dict[str, str]] = {
    "uk": {
        "proration": "Активна частка періоду", "attainment": "Виконання", "points": "Бали",
        "target": "Ціль", "raw": "Виконання до порогу, мінімуму та максимуму",
        "bounds": "Поріг, мінімум і максимум", "score": "Зважений бал",
        "payout_ratio": "Коефіцієнт виплати", "target_incentive": "Цільова премія",
        "payout": "Премія до умов", "base": "Комісійна база", "deals": "Рядки угод",
        "quota": "План продажів", "balance_in": "Борг на початок", "balance_out": "Борг на кінець",
        "earned": "Зароблено за період", "draw": "Аванс за період", "team_base": "База команди",
        "team_attainment": "Виконання команди",
    },
}


class Formatter:
    """Babel formatting for one language and one currency."""

    def __init__(self, lang: str, currency: str) -> None:
        if lang not in MESSAGES:
            raise ValueError(f"unknown statement language {lang!r} (choose from {', '.join(MESSAGES)})")
        self.lang = lang
        self.currency = currency
        self.places = minor_units(currency)
        self.locale = Locale.parse(lang)  # parsed once: babel re-parses a locale name on every call

    def t(self, key: str, **values: object) -> str:
        """A message in this language, with `{name}` values filled in."""
        text = MESSAGES[self.lang].get(key) or MESSAGES["en"].get(key, key)
        return text.format(**values) if values else text

    def money(self, amount: Decimal | None) -> str:
        """12 345,60 ₴ (uk) / $12,345.60 (en); empty for None."""
        if amount is None:
            return ""
        text = format_currency(amount, self.currency, locale=self.lang, currency_digits=True)
        symbol = _SYMBOLS.get(self.currency)
        return text.replace(self.currency, symbol) if symbol else text

    def amount(self, amount: Decimal | None) -> str:
        """An amount without the currency sign, with the currency's minor units."""
        if amount is None:
            return ""
        pattern = "#,##0" + ("." + "0" * self.places if self.places else "")
        return _pattern(pattern).apply(amount, self.locale)

    def number(self, value: Decimal | str | None, places: int = 4) -> str:
        """A plain number with up to `places` decimals; text values pass through."""
        if value is None or value == "":
            return ""
        if not isinstance(value, Decimal):
            return str(value)
        pattern = "#,##0." + "#" * places if places else "#,##0"
        return _pattern(pattern).apply(value, self.locale)

    def pct(self, ratio: Decimal | None, places: int = 1) -> str:
        """A ratio as a percentage: 0.625 → 62.5% / 62,5%."""
        if ratio is None:
            return ""
        if ratio == 0:
            ratio = abs(ratio)  # no "−0%"
        return self.number(ratio * 100, places).replace("-", "−") + "%"

    def rate(self, ratio: Decimal | None) -> str:
        """A commission rate: up to two decimals of a percent (8% / 12.5%)."""
        return self.pct(ratio, 2)

    def measure(self, value: Decimal | str | None, unit: str) -> str:
        """A KPI's actual or target in its unit: ratios as %, money as an amount, days."""
        if not isinstance(value, Decimal):
            return self.t("no_data") if value in (None, "") else str(value)
        if unit == "ratio":
            return self.pct(value)
        if unit == "money":
            return self.amount(value)
        if unit == "days":
            return self.t("days", n=self.number(value, 1))
        return self.number(value, 2)

    def date(self, value: date | datetime | None) -> str:
        if value is None:
            return ""
        if isinstance(value, datetime):
            return format_datetime(value, format="medium", locale=self.lang)
        return format_date(value, format="long", locale=self.lang)

    def month(self, start: date) -> str:
        """The period's month in words: "March 2026" / "березень 2026"."""
        return format_date(start, format="LLLL yyyy", locale=self.lang)

    def trace_label(self, key: str, label: str) -> str:
        """The engine's label for a trace node, translated when the catalogue knows it."""
        words = TRACE_LABELS.get(self.lang, {})
        if "." not in key and key != "proration":
            return label  # a component's own node: the plan's label
        return words.get(key.rsplit(".", 1)[-1], label)


@lru_cache(maxsize=32)
def _pattern(pattern: str):
    """A parsed babel number pattern (`format_decimal` parses it on every call)."""
    return parse_pattern(pattern)
