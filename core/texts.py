"""The language of user-facing text: one catalogue per language, keyed by a stable `TextId`, chosen per request.

A message is built as `text(TextId.X, **params)` (a `Text`: the id and its parameters) and rendered as late as
possible, in the language of the request being served (`current()`), from the catalogue of that language
(core/texts_vi.py, core/texts_en.py). The language is chosen once per request from its `Accept-Language`
header (`negotiate`) by service/language.py; outside a request it is the default, Vietnamese. Machine codes
(`extensions.code`, payload `errors.code`, enum values) never go through here: they stay English.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import enum
import functools
import string
from collections.abc import Mapping
from dataclasses import dataclass, field

from core.text_ids import TextId
from core.texts_en import EN
from core.texts_vi import VI


class Language(enum.Enum):
    """The languages the service speaks, by their BCP 47 primary tag (the `Content-Language` of an answer)."""

    VI = "vi"
    EN = "en"


DEFAULT = Language.VI
CATALOGUES: dict[Language, Mapping[TextId, str]] = {Language.VI: VI, Language.EN: EN}
_current: contextvars.ContextVar[Language] = contextvars.ContextVar("language", default=DEFAULT)


def current() -> Language:
    """The language of the request being served (the default outside one)."""
    return _current.get()


def use(language: Language) -> contextvars.Token[Language]:
    """Speak `language` in this context (and the tasks it starts) until `reset` with the token returned."""
    return _current.set(language)


def reset(token: contextvars.Token[Language]) -> None:
    _current.reset(token)


def _weight(parameters: list[str]) -> float:
    for parameter in parameters:
        name, _, value = parameter.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                return max(0.0, min(1.0, float(value.strip())))
            except ValueError:
                return 0.0
    return 1.0


@functools.lru_cache(maxsize=256)  # a header value is read once: apps send the same one every time
def negotiate(header: str | None) -> Language:
    """The language to answer in for an `Accept-Language` header (RFC 9110 §12.5.4): the supported language of the
    highest q-value (the first of equal ones; `en-US` matches `en`, `*` the default); Vietnamese when the header is
    absent, malformed or names nothing we speak."""
    best: tuple[float, Language] | None = None
    for item in (header or "").split(",")[:32]:  # bounded: a header of thousands of ranges is not worth reading
        tag, *parameters = item.split(";")
        primary = tag.strip().lower().split("-")[0]
        language = DEFAULT if primary == "*" else next((lang for lang in Language if lang.value == primary), None)
        weight = _weight(parameters)
        if language is not None and weight > 0 and (best is None or weight > best[0]):
            best = (weight, language)
    return DEFAULT if best is None else best[1]


@dataclass(frozen=True, slots=True)
class Text:
    """A user-facing message not yet rendered: its id and parameters (a parameter may itself be a `Text`)."""

    id: TextId
    params: Mapping[str, object] = field(default_factory=dict)

    def render(self, language: Language | None = None) -> str:
        language = language or current()
        values = {k: v.render(language) if isinstance(v, Text) else v for k, v in self.params.items()}
        return CATALOGUES[language][self.id].format(**values)

    def __str__(self) -> str:
        return self.render()


VIETNAM_TIME = dt.timezone(dt.timedelta(hours=7))


@dataclass(frozen=True, slots=True)
class Moment:
    """An instant as a message parameter: `{at}` is ISO 8601 in UTC (the English texts, as before), `{at:vi}` the
    time and date in Vietnam as people there write them (22:15 ngày 04/12/2026)."""

    value: dt.datetime

    def __format__(self, spec: str) -> str:
        if spec == "vi":
            return self.value.astimezone(VIETNAM_TIME).strftime("%H:%M ngày %d/%m/%Y")
        return self.value.astimezone(dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class Dong:
    """An amount of đồng as a message parameter: `{amount}` grouped with commas (1,500,000), `{amount:vi}` with
    dots as written in Vietnam (1.500.000)."""

    value: int

    def __format__(self, spec: str) -> str:
        grouped = f"{self.value:,}"
        return grouped.replace(",", ".") if spec == "vi" else grouped


def text(id: TextId, **params: object) -> Text:
    """The message `id` with its parameters, rendered later in the request's language."""
    return Text(id, params)


def parameters(template: str) -> frozenset[str]:
    """The names of the parameters a catalogue template uses."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name)
