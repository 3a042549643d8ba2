#!/usr/bin/env python3
"""Write the sample CRM exports in examples/crm/ from the demo company, deterministically.

For each CRM the demo company's deals (all of them) and its March 2026 activities
are written the way that CRM exports them: its own column names, stage names,
owner names or e-mails, date format, number format, delimiter and encoding, with
a few extra columns and a few rows the shipped mapping must skip (test and
deleted records). Next to each export, `expected/` holds the payplan fact files
the import must give: the demo facts restricted to what that export carries.
The expected files are written here from the demo facts, never by running a
mapping, so the mapping tests compare two independent things.

Run from anywhere: `python3 examples/crm/make_samples.py`. The same demo files
always give byte-identical output. Uses only the standard library; must not
import payplan.
"""

from __future__ import annotations

import csv
import io
import random
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEMO = HERE.parent / "demo"
MONTH = "2026-03"  # the activity exports cover this month
SEED = 16

UK_NAMES = {
    "MGR01": "Олена Коваленко", "MGR02": "Андрій Шевченко", "AE01": "Ірина Бондаренко",
    "AE02": "Тарас Мельник", "AE03": "Софія Ткаченко", "AE04": "Дмитро Кравченко",
    "AE05": "Катерина Олійник", "AE06": "Максим Лисенко", "SDR01": "Юлія Мороз",
    "SDR02": "Богдан Савченко", "SDR03": "Анна Руденко", "SDR04": "Сергій Марченко",
}
ACCOUNTS = [
    "Dnipro Logistics", "Lviv Bakery Group", "Karpaty Timber", "Odesa Port Services",
    "Poltava Agro", "Kharkiv Metalworks", "Vinnytsia Foods", "Chernihiv Textiles",
    "Zhytomyr Granite", "Sumy Pharma", "Uzhhorod Wines", "Rivne Solar",
]
DEAL_FIELDS = ["deal_id", "rep_id", "created_at", "closed_at", "status", "amount", "cost",
               "currency", "product", "cancelled_at"]
ACTIVITY_FIELDS = ["activity_id", "rep_id", "kind", "occurred_at"]


def read(name: str) -> list[dict[str, str]]:
    with open(DEMO / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def write(path: Path, header: list[str], rows: list[list[str]], *, delimiter: str = ",",
          encoding: str = "utf-8") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    out = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n" if encoding != "utf-8" else "\n")
    out.writerow(header)
    out.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))


def write_expected(folder: Path, name: str, fields: list[str], rows: list[dict[str, str]]) -> None:
    write(folder / "expected" / name, fields, [[r[f] for f in fields] for r in rows])


class Demo:
    """The demo company's facts, with the per-CRM details (times, accounts) fixed by a seed."""

    def __init__(self) -> None:
        self.reps = {r["rep_id"]: r for r in read("reps.csv")}
        self.deals = read("deals.csv")
        self.activities = [a for a in read("activities.csv") if a["occurred_at"].startswith(MONTH)]
        rng = random.Random(SEED)
        self.times = {r["deal_id"]: (rng.randrange(8, 19), rng.randrange(60), rng.randrange(60))
                      for r in self.deals}
        self.times.update({a["activity_id"]: (rng.randrange(8, 19), rng.randrange(60), rng.randrange(60))
                           for a in self.activities})
        self.accounts = {r["deal_id"]: ACCOUNTS[i % len(ACCOUNTS)] for i, r in enumerate(self.deals)}

    def name(self, rep_id: str) -> str:
        return self.reps[rep_id]["name"]

    def email(self, rep_id: str) -> str:
        return self.reps[rep_id]["email"]

    def number(self, deal_id: str) -> str:
        """The CRM's own numeric id: D0042 is record 42, D9001 is record 9001."""
        return str(int(deal_id[1:]))


def fmt_date(iso: str, pattern: str, time: tuple[int, int, int] | None = None) -> str:
    """Render an ISO date in a CRM's pattern: {d} {m} {dd} {mm} {yyyy} {HH} {MM} {SS}."""
    if not iso:
        return ""
    day = date.fromisoformat(iso)
    hh, mi, ss = time or (0, 0, 0)
    return pattern.format(d=day.day, m=day.month, dd=f"{day.day:02d}", mm=f"{day.month:02d}",
                          yyyy=day.year, HH=f"{hh:02d}", MM=f"{mi:02d}", SS=f"{ss:02d}")


def thousands(amount: str, sep: str = ",", point: str = ".") -> str:
    """12556.09 -> 12,556.09 (or 12 556,09 with sep=" ", point=",")."""
    whole, _, cents = amount.partition(".")
    groups = []
    while len(whole) > 3:
        whole, groups = whole[:-3], [whole[-3:], *groups]
    return sep.join([whole, *groups]) + point + cents


def margin(deal: dict[str, str]) -> str:
    from decimal import Decimal
    return str(Decimal(deal["amount"]) - Decimal(deal["cost"]))


# --- one function per export: header, rows, skipped extras, file conventions ----------------

SF_OPEN = ["Prospecting", "Qualification", "Needs Analysis", "Proposal/Price Quote", "Negotiation/Review"]


def planned_close(deal: dict[str, str]) -> str:
    """An open deal's expected close date, which Salesforce and Bitrix24 always carry: created + 45 days."""
    from datetime import timedelta
    return (date.fromisoformat(deal["created_at"]) + timedelta(days=45)).isoformat()


def salesforce(demo: Demo) -> None:
    folder = HERE / "salesforce"
    stage = {"won": "Closed Won", "lost": "Closed Lost", "cancelled": "Cancelled"}
    header = ["Opportunity Owner", "Account Name", "Opportunity Name", "Opportunity Number", "Stage",
              "Probability (%)", "Amount Currency", "Amount", "Cost", "Product Code", "Created Date",
              "Close Date", "Cancellation Date", "Lead Source", "Opportunity ID"]
    rows = []
    for i, d in enumerate(demo.deals):
        st = stage.get(d["status"]) or SF_OPEN[i % len(SF_OPEN)]
        prob = {"Closed Won": "100", "Cancelled": "100", "Closed Lost": "0"}.get(st, str(10 + 20 * (i % 5)))
        close = d["closed_at"] or planned_close(d)
        rows.append([demo.name(d["rep_id"]), demo.accounts[d["deal_id"]],
                     f"{demo.accounts[d['deal_id']]} - {d['product']}", d["deal_id"], st, prob, d["currency"],
                     thousands(d["amount"]), thousands(d["cost"]), d["product"], fmt_date(d["created_at"], "{m}/{d}/{yyyy}"),
                     fmt_date(close, "{m}/{d}/{yyyy}"), fmt_date(d["cancelled_at"], "{m}/{d}/{yyyy}"),
                     ["Web", "Partner Referral", "Trade Show"][i % 3], f"0065g00000Xq{int(d['deal_id'][1:]):06d}"])
    rows.insert(40, ["Integration User", "Test Account", "TEST - sandbox sync, do not use", "D8001", "Closed Won",
                     "100", "USD", "1,000.00", "0.00", "core", "3/2/2026", "3/3/2026", "", "Web", "0065g00000Xq008001"])
    rows.insert(120, ["Iryna Bondarenko", "Test Account", "TEST - price book check", "D8002", "Prospecting",
                      "10", "USD", "5.00", "", "core", "3/9/2026", "4/30/2026", "", "Web", "0065g00000Xq008002"])
    write(folder / "opportunities.csv", header, rows)
    deals = [dict(d, closed_at=d["closed_at"] or planned_close(d)) for d in demo.deals]
    write_expected(folder, "deals.csv", DEAL_FIELDS, deals)
    kinds = {"call": "Call", "meeting": "Meeting", "demo": "Demo"}
    header = ["Assigned", "Subject", "Type", "Date", "Status", "Company / Account", "Activity ID"]
    rows = []
    for i, a in enumerate(demo.activities):
        rows.append([demo.name(a["rep_id"]), f"{kinds[a['kind']]} with {ACCOUNTS[i % len(ACCOUNTS)]}",
                     kinds[a["kind"]], fmt_date(a["occurred_at"], "{m}/{d}/{yyyy}"), "Completed",
                     ACCOUNTS[i % len(ACCOUNTS)], f"00T5g00001Ab{i + 1:06d}"])
        if i % 97 == 5:
            rows.append([demo.name(a["rep_id"]), "Email: proposal follow-up", "Email",
                         fmt_date(a["occurred_at"], "{m}/{d}/{yyyy}"), "Completed", ACCOUNTS[i % len(ACCOUNTS)],
                         f"00T5g00001Ae{i + 1:06d}"])
    write(folder / "activities.csv", header, rows)
    acts = [dict(a, activity_id=f"00T5g00001Ab{i + 1:06d}") for i, a in enumerate(demo.activities)]
    write_expected(folder, "activities.csv", ACTIVITY_FIELDS, acts)


def numeric_expected(folder: Path, demo: Demo, deals: list[dict[str, str]]) -> None:
    """Expected deals and credits of a CRM whose deal ids are numbers: D0042 is 42."""
    deals = [dict(d, deal_id=demo.number(d["deal_id"])) for d in deals]
    write_expected(folder, "deals.csv", DEAL_FIELDS, deals)
    credits = [dict(c, deal_id=demo.number(c["deal_id"])) for c in read("credits.csv")]
    write_expected(folder, "credits.csv", ["deal_id", "rep_id", "share"], credits)


HS_OPEN = ["appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "decisionmakerboughtin", "contractsent"]


def hubspot(demo: Demo) -> None:
    folder = HERE / "hubspot"
    stage = {"won": "closedwon", "lost": "closedlost", "cancelled": "152390245"}
    header = ["Record ID", "Deal Name", "Deal Stage", "Pipeline", "Amount", "Deal Currency Code", "Deal owner",
              "Create Date", "Close Date", "Cost of goods", "Product line", "Cancellation date", "Deal Type"]
    stamp = "{yyyy}-{mm}-{dd} {HH}:{MM}"
    rows = []
    for i, d in enumerate(demo.deals):
        t = demo.times[d["deal_id"]]
        rows.append([demo.number(d["deal_id"]), f"{demo.accounts[d['deal_id']]} - {d['product']}",
                     stage.get(d["status"]) or HS_OPEN[i % len(HS_OPEN)], "Sales Pipeline", d["amount"],
                     d["currency"], demo.email(d["rep_id"]), fmt_date(d["created_at"], stamp, t),
                     fmt_date(d["closed_at"], stamp, t), d["cost"], d["product"], fmt_date(d["cancelled_at"], stamp, t),
                     ["newbusiness", "existingbusiness"][i % 2]])
    rows.insert(77, ["8001", "Workflow test deal", "closedwon", "Test pipeline", "1", "USD",
                     "hubspot.admin@example.com", "2026-03-02 09:00", "2026-03-02 09:05", "", "core", "", "newbusiness"])
    write(folder / "deals.csv", header, rows)
    numeric_expected(folder, demo, demo.deals)
    kinds = {"call": ("CALL", "Follow-up call"), "meeting": ("MEETING", "Meeting"), "demo": ("MEETING", "Product demo")}
    header = ["Record ID", "Activity type", "Call and meeting type", "Activity date", "Activity assigned to",
              "Associated Company", "Subject"]
    rows = []
    for i, a in enumerate(demo.activities):
        kind, label = kinds[a["kind"]]
        stamp_a = fmt_date(a["occurred_at"], "{yyyy}-{mm}-{dd} {HH}:{MM}", demo.times[a["activity_id"]])
        rows.append([str(52000000 + i), kind, label, stamp_a, demo.email(a["rep_id"]), ACCOUNTS[i % len(ACCOUNTS)],
                     f"{label}: {ACCOUNTS[i % len(ACCOUNTS)]}"])
        if i % 113 == 7:
            rows.append([str(59000000 + i), "EMAIL", "", stamp_a, demo.email(a["rep_id"]), ACCOUNTS[i % len(ACCOUNTS)],
                         "Re: proposal"])
    write(folder / "engagements.csv", header, rows)
    acts = [dict(a, activity_id=str(52000000 + i)) for i, a in enumerate(demo.activities)]
    write_expected(folder, "activities.csv", ACTIVITY_FIELDS, acts)


def pipedrive(demo: Demo) -> None:
    folder = HERE / "pipedrive"
    status = {"won": "won", "lost": "lost", "open": "open", "cancelled": "won"}
    outcome = {"won": "Won", "lost": "Lost", "open": "Open", "cancelled": "Cancelled"}
    stages = ["Qualified", "Contact Made", "Demo Scheduled", "Proposal Made", "Negotiations Started"]
    header = ["Deal - ID", "Deal - Title", "Deal - Owner", "Deal - Value", "Deal - Currency of Value", "Deal - Status",
              "Deal - Outcome", "Deal - Pipeline", "Deal - Stage", "Deal - Deal created", "Deal - Deal closed on",
              "Deal - Cost", "Deal - Product code", "Deal - Cancelled on", "Deal - Organization"]
    stamp = "{yyyy}-{mm}-{dd} {HH}:{MM}:{SS}"
    rows = []
    for i, d in enumerate(demo.deals):
        t = demo.times[d["deal_id"]]
        rows.append([demo.number(d["deal_id"]), f"{demo.accounts[d['deal_id']]} deal", demo.name(d["rep_id"]),
                     d["amount"], d["currency"], status[d["status"]], outcome[d["status"]], "Sales",
                     stages[i % len(stages)], fmt_date(d["created_at"], stamp, t), fmt_date(d["closed_at"], stamp, t),
                     d["cost"], d["product"], d["cancelled_at"], demo.accounts[d["deal_id"]]])
    rows.insert(12, ["8001", "Duplicate of Poltava Agro deal", "Taras Melnyk", "18000", "USD", "deleted", "Open",
                     "Sales", "Qualified", "2026-01-20 11:00:00", "", "", "core", "", "Poltava Agro"])
    rows.insert(150, ["8002", "Old import", "Taras Melnyk", "0", "USD", "deleted", "Lost", "Sales", "Qualified",
                      "2026-02-03 15:30:00", "2026-02-03 15:31:00", "", "", "", "Rivne Solar"])
    write(folder / "deals.csv", header, rows)
    numeric_expected(folder, demo, demo.deals)
    kinds = {"call": "Call", "meeting": "Meeting", "demo": "Demo"}
    header = ["Activity - ID", "Activity - Subject", "Activity - Type", "Activity - Assigned to user",
              "Activity - Due date", "Activity - Done", "Activity - Organization"]
    rows = []
    for i, a in enumerate(demo.activities):
        rows.append([str(30000 + i), f"{kinds[a['kind']]} - {ACCOUNTS[i % len(ACCOUNTS)]}", kinds[a["kind"]],
                     demo.name(a["rep_id"]), a["occurred_at"], "Done", ACCOUNTS[i % len(ACCOUNTS)]])
        if i % 131 == 3:
            rows.append([str(39000 + i), "Send contract", "Email", demo.name(a["rep_id"]), a["occurred_at"], "Done",
                         ACCOUNTS[i % len(ACCOUNTS)]])
    write(folder / "activities.csv", header, rows)
    acts = [dict(a, activity_id=str(30000 + i)) for i, a in enumerate(demo.activities)]
    write_expected(folder, "activities.csv", ACTIVITY_FIELDS, acts)


BX_OPEN = ["Нова", "Підготовка документів", "Рахунок на передоплату", "В роботі", "Фінальний рахунок"]


def bitrix24(demo: Demo) -> None:
    """Windows-1251, semicolons, decimal comma with a space between thousands, Ukrainian headers."""
    folder = HERE / "bitrix24"
    stage = {"won": "Угода успішна", "lost": "Угода провалена", "cancelled": "Угода скасована"}
    header = ["ID", "Назва", "Напрямок", "Стадія угоди", "Сума", "Валюта", "Відповідальний", "Дата створення",
              "Дата завершення", "Собівартість", "Продукт", "Дата скасування", "Компанія", "Джерело"]
    stamp = "{dd}.{mm}.{yyyy} {HH}:{MM}:{SS}"
    money = lambda v: thousands(v, " ", ",") if v else ""  # noqa: E731
    rows = []
    for i, d in enumerate(demo.deals):
        t = demo.times[d["deal_id"]]
        rows.append([demo.number(d["deal_id"]), f"Угода з {demo.accounts[d['deal_id']]}", "Загальний",
                     stage.get(d["status"]) or BX_OPEN[i % len(BX_OPEN)], money(d["amount"]), d["currency"],
                     UK_NAMES[d["rep_id"]], fmt_date(d["created_at"], stamp, t),
                     fmt_date(d["closed_at"] or planned_close(d), stamp, t), money(d["cost"]), d["product"],
                     fmt_date(d["cancelled_at"], "{dd}.{mm}.{yyyy}"), demo.accounts[d["deal_id"]],
                     ["Сайт", "Дзвінок", "Виставка"][i % 3]])
    rows.insert(30, ["8001", "Тестова угода", "Тестовий", "Угода успішна", "1,00", "UAH", "Адміністратор Порталу",
                     "02.03.2026 09:00:00", "02.03.2026 09:01:00", "", "", "", "", "Сайт"])
    write(folder / "deals.csv", header, rows, delimiter=";", encoding="cp1251")
    deals = [dict(d, closed_at=d["closed_at"] or planned_close(d)) for d in demo.deals]
    numeric_expected(folder, demo, deals)
    kinds = {"call": "Дзвінок", "meeting": "Зустріч", "demo": "Демонстрація"}
    header = ["ID", "Тип", "Тема", "Відповідальний", "Дата початку", "Статус", "Компанія"]
    rows = []
    for i, a in enumerate(demo.activities):
        when = fmt_date(a["occurred_at"], stamp, demo.times[a["activity_id"]])
        rows.append([str(70000 + i), kinds[a["kind"]], f"{kinds[a['kind']]}: {ACCOUNTS[i % len(ACCOUNTS)]}",
                     UK_NAMES[a["rep_id"]], when, "Виконано", ACCOUNTS[i % len(ACCOUNTS)]])
        if i % 101 == 9:
            rows.append([str(79000 + i), "Лист", "Комерційна пропозиція", UK_NAMES[a["rep_id"]], when, "Виконано",
                         ACCOUNTS[i % len(ACCOUNTS)]])
    write(folder / "activities.csv", header, rows, delimiter=";", encoding="cp1251")
    acts = [dict(a, activity_id=str(70000 + i)) for i, a in enumerate(demo.activities)]
    write_expected(folder, "activities.csv", ACTIVITY_FIELDS, acts)


KC_OPEN = ["Новий", "Погоджено", "Комплектується"]


def keycrm(demo: Demo) -> None:
    """Orders, UTF-8 with a BOM; the export carries the margin, not the cost."""
    folder = HERE / "keycrm"
    status = {"won": "Виконано", "lost": "Скасовано", "cancelled": "Повернення"}
    header = ["ID", "Джерело", "Статус", "Менеджер", "Покупець", "Дата створення", "Дата закриття", "Сума",
              "Валюта", "Маржа", "SKU", "Дата повернення", "Коментар"]
    stamp = "{dd}.{mm}.{yyyy} {HH}:{MM}"
    rows = []
    for i, d in enumerate(demo.deals):
        t = demo.times[d["deal_id"]]
        rows.append([demo.number(d["deal_id"]), ["Сайт", "Instagram", "Телефон"][i % 3],
                     status.get(d["status"]) or KC_OPEN[i % len(KC_OPEN)], UK_NAMES[d["rep_id"]],
                     demo.accounts[d["deal_id"]], fmt_date(d["created_at"], stamp, t), fmt_date(d["closed_at"], stamp, t),
                     d["amount"], d["currency"], margin(d), d["product"], fmt_date(d["cancelled_at"], stamp, t), ""])
    rows.insert(60, ["8001", "Тест", "Виконано", "Ірина Бондаренко", "Тестовий покупець", "03.03.2026 12:00",
                     "03.03.2026 12:10", "10.00", "USD", "10.00", "core", "", "тестове замовлення, не враховувати"])
    write(folder / "orders.csv", header, rows, encoding="utf-8-sig")
    numeric_expected(folder, demo, demo.deals)


def main() -> None:
    demo = Demo()
    for export in (salesforce, hubspot, pipedrive, bitrix24, keycrm):
        export(demo)


if __name__ == "__main__":
    main()
