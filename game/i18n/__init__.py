"""The interface's language: gettext catalogs for every message a player or an author reads.

Modules mark their messages with `_` (translated now), `ngettext` (with a count, for plurals) and `N_`
(marked for extraction, translated where it is shown: class attributes such as key bindings are made
before a language is chosen). `use(lang)` switches the language for the whole process; messages are
looked up each time they are made, so a switch takes effect at the next screen.

The catalogs are `locale/<lang>/LC_MESSAGES/escape.po`; the build compiles them into `.mo` files
(hatch_build.py). A checkout whose `.mo` is missing or older than its `.po` compiles it in memory.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

from game.i18n.catalogs import compile_po, read_mo

DOMAIN = "escape"
SOURCE_LANGUAGE = "en"
LANGUAGES = {"en": "English", "it": "Italiano"}  # every interface language, by code, in its own name
LOCALE_DIR = Path(__file__).with_name("locale")
_ENVIRONMENT = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

_current: gettext.NullTranslations = gettext.NullTranslations()
_language = SOURCE_LANGUAGE
_loaded: dict[str, gettext.NullTranslations] = {}


COMMA_DECIMALS = frozenset({"it"})  # languages that write 1.234,5 where English writes 1,234.5


class Number:
    """A number as a message shows it: formatted as asked (`{n:,}`, `{x:.1f}`), then with the separators of
    the language in use."""

    __slots__ = ("value",)

    def __init__(self, value: int | float) -> None:
        self.value = value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec).translate(_COMMA_FOR_POINT)

    def __str__(self) -> str:
        return self.__format__("")


_COMMA_FOR_POINT = str.maketrans({",": ".", ".": ","})


class Message(str):
    """A translated message whose `format` writes numbers the way the language does."""

    __slots__ = ()

    def format(self, *args: object, **kwargs: object) -> str:
        return str.format(self, *map(_number, args), **{key: _number(value) for key, value in kwargs.items()})


def number(value: int | float, spec: str = ",") -> str:
    """A number written the way the language in use writes it (by default with thousands grouped)."""
    return format(Number(value), spec) if _language in COMMA_DECIMALS else format(value, spec)


def _number(value: object) -> object:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Number(value)
    return value


def _localized(text: str) -> str:
    return Message(text) if _language in COMMA_DECIMALS else text


def _(message: str) -> str:
    """The message in the current language."""
    return _localized(_current.gettext(message))


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of the message for `count`, in the current language (Italian, like English, has two)."""
    return _localized(_current.ngettext(singular, plural, count))


def pgettext(context: str, message: str) -> str:
    """The message in the current language, told apart from the same English words by `context`."""
    return _localized(_current.pgettext(context, message))


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    """Mark a message for translation without translating it now (translate it with `_` where shown)."""
    return message


def language() -> str:
    """The code of the interface's current language."""
    return _language


def normalize(code: str | None) -> str | None:
    """A language code as the game knows it ("it", "it_IT.UTF-8", "IT" -> "it"), or None if it has none."""
    if not code:
        return None
    base = code.split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
    return base if base in LANGUAGES else None


def from_environment() -> str | None:
    """The language the locale asks for ($LANGUAGE, $LC_ALL, $LC_MESSAGES, $LANG), if the game has it."""
    for name in _ENVIRONMENT:
        value = os.environ.get(name)
        if not value:
            continue
        for part in value.split(":"):  # $LANGUAGE is a list, best first
            found = normalize(part)
            if found is not None:
                return found
            if part.split(".")[0] in ("C", "POSIX"):
                return SOURCE_LANGUAGE
        if name != "LANGUAGE":  # the first locale variable that is set decides, as in C
            return SOURCE_LANGUAGE
    return None


def choose(explicit: str | None = None, setting: str | None = None) -> str:
    """The language to use: `--lang`, else the player's setting ("auto" or None: the locale), else English."""
    for candidate in (explicit, setting if setting != "auto" else None):
        found = normalize(candidate)
        if found is not None:
            return found
    return from_environment() or SOURCE_LANGUAGE


def translations(lang: str) -> gettext.NullTranslations:
    """The catalog of a language (English: the messages as written)."""
    if lang == SOURCE_LANGUAGE or lang not in LANGUAGES:
        return gettext.NullTranslations()
    if lang not in _loaded:
        folder = LOCALE_DIR / lang / "LC_MESSAGES"
        po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
        try:
            fresh = mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime)
            data = mo.read_bytes() if fresh else compile_po(po.read_text(encoding="utf-8"))
            _loaded[lang] = read_mo(data)
        except (OSError, ValueError):  # no catalog: the messages as written
            _loaded[lang] = gettext.NullTranslations()
    return _loaded[lang]


def use(lang: str | None) -> str:
    """Switch the interface to `lang` (a code the game knows; anything else: English); the code in use."""
    global _current, _language
    code = normalize(lang) or SOURCE_LANGUAGE
    _current = translations(code)
    _language = code
    return code


__all__ = [
    "DOMAIN",
    "LANGUAGES",
    "LOCALE_DIR",
    "SOURCE_LANGUAGE",
    "N_",
    "_",
    "choose",
    "from_environment",
    "language",
    "ngettext",
    "normalize",
    "number",
    "pgettext",
    "translations",
    "use",
]
