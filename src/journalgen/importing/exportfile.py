"""Reading an export file safely: a size limit, no DOCTYPE (so no entity can be declared,
let alone expanded a billion times), and lxml told to resolve no entity and fetch nothing."""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from journalgen.errors import JournalError

MAX_BYTES = 256 * 1024 * 1024
"""A blog of twenty years with every comment is well under 100 MB; larger is refused."""

_CONTROLS = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
"""Characters XML forbids that real exports contain (WordPress's own importer removes them)."""
_FIRST_ELEMENT = re.compile(rb"<[A-Za-z_]")


def read(path: Path, how: str) -> etree._Element:
    """The root element of the export at `path`; `how` says how to export the blog."""
    hint = f"Export the blog again and give journalgen that file. {how}"
    try:
        size = path.stat().st_size
        regular = path.is_file()
    except OSError as err:
        raise JournalError.at(path, f"cannot read this file: {err.strerror or err}") from err
    if not regular:
        raise JournalError.at(path, "this is not a file", hint=hint)
    if size > MAX_BYTES:
        raise JournalError.at(
            path,
            f"this file is {size / 2**20:,.0f} MB; journalgen reads exports up to "
            f"{MAX_BYTES // 2**20} MB",
            hint="An export that large is not a blog's text: check that this is the file the "
            f"export gave you. {how}",
        )
    with path.open("rb") as handle:
        data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise JournalError.at(path, "this file grew while it was read", hint=hint)
    data = _CONTROLS.sub(b"", data)
    first = _FIRST_ELEMENT.search(data)
    prolog = data[: first.start()] if first else data
    if b"<!DOCTYPE" in prolog.upper() or b"<!ENTITY" in prolog.upper():
        line = data[: prolog.upper().find(b"<!")].count(b"\n") + 1
        raise JournalError.at(
            path,
            "this file declares a DOCTYPE or entities, which no blog export has (it could "
            "make the file expand to gigabytes when read); nothing was imported",
            line=line,
            hint=hint,
        )
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_blank_text=False,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as err:
        raise JournalError.at(
            path,
            f"this file is not readable XML ({err.msg}); nothing was imported",
            line=err.lineno or None,
            hint=f"The file may have been cut short while downloading. {hint}",
        ) from err
    return root


def text(element: etree._Element | None) -> str:
    """The text of an element (CDATA included), '' when there is none."""
    if element is None:
        return ""
    return "".join(element.itertext())


def local(tag: object) -> str:
    """`{namespace}name` -> `name`."""
    return str(tag).rsplit("}", 1)[-1]
