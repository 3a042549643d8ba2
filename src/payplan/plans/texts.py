"""Plan texts in several languages: `label = { en = "Demos held", uk = "Проведені демо" }`.

Every `label` and `why` anywhere in a plan, and the plan's `name` and `description`,
may be a plain string or a table of texts per language (`payplan.i18n.LANGS`).
`split_texts` runs on the TOML data before it becomes a `Plan`: each table is
replaced by its default text (the `en` value when given, else the first one) and
the other texts go to the plan's `translations` (language -> {default text -> text}),
so the core keeps `label: str`. A plain string counts as the `en` text.
`missing_texts` warns for a text lacking a language the plan is printed in (its
`languages`, plus every language any of its texts is given in).
Must not read files or place issues on lines (`payplan.plans.files` does).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from payplan.core.issues import Issue, sentence, warning
from payplan.core.lint_where import where
from payplan.core.plan import Plan
from payplan.i18n import LANGS, N_

Path = tuple[str | int, ...]

TEXT_KEYS = frozenset({"label", "why"})  # anywhere in a plan
TOP_TEXT_KEYS = frozenset({"name", "description"})  # the plan's own


@dataclass(frozen=True)
class Text:
    """One text key of the file: its default text and the languages it was given in."""

    default: str
    langs: tuple[str, ...]  # () for a plain string (read as `en`)


@dataclass
class Texts:
    """The plan data with every text a string, and what the tables held."""

    data: Any
    translations: dict[str, dict[str, str]] = field(default_factory=dict)
    keys: dict[Path, Text] = field(default_factory=dict)
    problems: list[tuple[Path, dict[str, Any]]] = field(default_factory=list)  # (key, `issues.sentence`)
    _first: dict[tuple[str, str], Path] = field(default_factory=dict)  # (lang, default) -> key


def split_texts(data: Any) -> Texts:
    """Replace per-language tables by their default text; collect translations and problems."""
    texts = Texts(data)
    texts.data = _walk(data, (), texts)
    _check_languages(data, texts)
    return texts


def missing_texts(texts: Texts, plan: Plan) -> list[Issue]:
    """A warning for each text lacking a language the plan is printed in; `where` is the key
    path with its names (`components[0].kpis[1].label (scorecard bonus, kpi margin)`)."""
    needed = set(plan.languages) | {lang for text in texts.keys.values() for lang in text.langs}
    order = [lang for lang in LANGS if lang in needed]
    issues = []
    for path, text in texts.keys.items():
        if not text.default:
            continue
        given = set(text.langs or ("en",))
        lacking = [lang for lang in order if lang not in given
                   and not (lang != "en" and text.default in texts.translations.get(lang, {}))]
        if lacking:
            issues.append(warning(
                "missing-translation", N_("no {lacking} text for {text}; the plan's statements are printed in {langs}"),
                where(plan, path), lacking=", ".join(lacking), text=repr(text.default), langs=", ".join(order)))
    return issues


def _walk(value: Any, path: Path, texts: Texts) -> Any:
    if isinstance(value, list):
        return [_walk(item, path + (i,), texts) for i, item in enumerate(value)]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        if key in TEXT_KEYS or (not path and key in TOP_TEXT_KEYS):
            out[key] = _text(item, path + (key,), texts)
        else:
            out[key] = _walk(item, path + (key,), texts)
    return out


def _text(value: Any, path: Path, texts: Texts) -> Any:
    """The default text of a text key; its other languages go to `texts.translations`."""
    if isinstance(value, str):
        texts.keys[path] = Text(value, ())
        return value
    if not isinstance(value, dict):
        return value  # msgspec says "expected str"
    problem = _table_problem(value)
    if problem:
        texts.problems.append((path, problem))
        return ""
    source = "en" if "en" in value else next(iter(value))
    default = value[source]
    if not default and any(value.values()):
        texts.problems.append((path, sentence(N_("the {lang} text is empty while another language has one"),
                                              lang=source)))
        return ""
    texts.keys[path] = Text(default, tuple(value))
    for lang, text in value.items():
        if lang == source:
            continue
        _translate(texts, path, lang, default, text)
    return default


def _translate(texts: Texts, path: Path, lang: str, default: str, text: str) -> None:
    known = texts.translations.setdefault(lang, {})
    if default in known and known[default] != text:
        first = _path_text(texts._first[(lang, default)])
        texts.problems.append((path, sentence(N_("the {lang} text of {default} is {text} here but {other} at "
                                                 "{first}; a text has one translation"), lang=lang,
                                              default=repr(default), text=repr(text), other=repr(known[default]),
                                              first=first)))
        return
    known[default] = text
    texts._first.setdefault((lang, default), path)


def _table_problem(table: dict) -> dict[str, Any] | None:
    if not table:
        return sentence(N_("an empty table of texts; give a text per language ({langs})"), langs=", ".join(LANGS))
    for lang, text in table.items():
        if lang not in LANGS:
            return _unknown_language(lang)
        if not isinstance(text, str):
            return sentence(N_("the {lang} text must be a string, got {kind} {value}"), lang=lang,
                            kind=type(text).__name__, value=repr(text))
    return None


def _unknown_language(lang: object) -> dict[str, Any]:
    return sentence(N_("unknown language {lang} (choose from {langs})"), lang=repr(lang), langs=", ".join(LANGS))


def _check_languages(data: Any, texts: Texts) -> None:
    languages = data.get("languages") if isinstance(data, dict) else None
    if not isinstance(languages, list):
        return  # absent, or msgspec says "expected array"
    for i, lang in enumerate(languages):
        if isinstance(lang, str) and lang not in LANGS:
            texts.problems.append((("languages", i), _unknown_language(lang)))


def _path_text(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
