"""gettext catalogs without a build dependency: read a `.po` file, write and read a `.mo` file.

The build (hatch_build.py) and a checkout whose `.mo` is stale both compile with `compile_po`; Babel is
used only by developers, to extract messages (`make i18n`). Fuzzy and obsolete entries are left out, and
an entry without a translation falls back to the English, as gettext does.
"""

from __future__ import annotations

import gettext
import io
import re
import struct

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+"(.*)"\s*$')
_CONTINUED = re.compile(r'^"(.*)"\s*$')


def _unquote(text: str, line: int) -> str:
    def one(match: re.Match[str]) -> str:
        if match.group(1) not in _ESCAPES:
            raise ValueError(f"line {line}: unknown escape \\{match.group(1)}")
        return _ESCAPES[match.group(1)]

    return _ESCAPE.sub(one, text)


def parse_po(text: str) -> list[dict[str, object]]:
    """The entries of a `.po` file: each with `msgid`, `msgstr` (a list, one per plural form) and, when
    present, `msgctxt`, `msgid_plural` and `fuzzy`. Raises ValueError naming the line of a malformed one."""
    entries: list[dict[str, object]] = []
    entry: dict[str, object] = {}
    field: tuple[str, int] | None = None
    flags: set[str] = set()

    def finish() -> None:
        nonlocal entry, flags, field
        if "msgid" in entry:
            if "fuzzy" in flags:
                entry["fuzzy"] = True
            entries.append(entry)
        entry, flags, field = {}, set(), None

    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#"):
            if "msgid" in entry and field is not None:
                finish()
            if line.startswith("#,"):
                flags |= {flag.strip() for flag in line[2:].split(",")}
            continue  # comments, references and obsolete (#~) entries
        keyword = _KEYWORD.match(line)
        if keyword:
            name, index, value = keyword.group(1), keyword.group(2), _unquote(keyword.group(3), number)
            if name in ("msgctxt", "msgid") and "msgstr" in entry:
                finish()
            if name.startswith("msgstr"):
                forms = entry.setdefault("msgstr", [])
                assert isinstance(forms, list)
                position = int(index) if index is not None else 0
                if position != len(forms):
                    raise ValueError(f"line {number}: msgstr[{position}] out of order")
                forms.append(value)
                field = ("msgstr", position)
            else:
                entry[name] = value
                field = (name, -1)
            continue
        continued = _CONTINUED.match(line)
        if continued is None or field is None:
            raise ValueError(f"line {number}: not a line of a .po file: {line[:40]!r}")
        value = _unquote(continued.group(1), number)
        name, position = field
        if name == "msgstr":
            forms = entry["msgstr"]
            assert isinstance(forms, list)
            forms[position] += value
        else:
            entry[name] = str(entry[name]) + value
    finish()
    return entries


def compile_po(text: str) -> bytes:
    """A `.mo` file made from the text of a `.po` file (untranslated and fuzzy entries left out; the
    header, which holds the plural rule, is kept)."""
    messages: dict[bytes, bytes] = {}
    for entry in parse_po(text):
        forms = entry.get("msgstr") or []
        assert isinstance(forms, list)
        msgid = str(entry["msgid"])
        if (entry.get("fuzzy") and msgid) or not any(forms):
            continue
        key = msgid
        if "msgid_plural" in entry:
            key += "\0" + str(entry["msgid_plural"])
        if "msgctxt" in entry:
            key = str(entry["msgctxt"]) + "\x04" + key
        messages[key.encode("utf-8")] = "\0".join(str(form) for form in forms).encode("utf-8")
    return _mo(messages)


def _mo(messages: dict[bytes, bytes]) -> bytes:
    """The GNU `.mo` layout: header, the two tables of (length, offset), then the strings, NUL-ended."""
    keys = sorted(messages)
    count = len(keys)
    originals_at = 7 * 4
    translations_at = originals_at + count * 8
    strings_at = translations_at + count * 8
    table_originals, table_translations, blob = [], [], b""
    for key in keys:
        table_originals.append((len(key), strings_at + len(blob)))
        blob += key + b"\0"
    for key in keys:
        value = messages[key]
        table_translations.append((len(value), strings_at + len(blob)))
        blob += value + b"\0"
    head = struct.pack("<7I", 0x950412DE, 0, count, originals_at, translations_at, 0, 0)
    tables = b"".join(struct.pack("<2I", *pair) for pair in table_originals + table_translations)
    return head + tables + blob


def read_mo(data: bytes) -> gettext.GNUTranslations:
    """The translations in a `.mo` file's bytes (ValueError if they are not one)."""
    try:
        return gettext.GNUTranslations(io.BytesIO(data))
    except (OSError, struct.error, UnicodeDecodeError) as err:
        raise ValueError(f"not a .mo file: {err}") from err
