"""Each setting is declared once (config.py's `setting`): its key, type and default. What a
journal that leaves a setting out gets is that declared default, and every declared key is
one journalgen.yaml may hold."""

from __future__ import annotations

from dataclasses import MISSING, fields
from pathlib import Path

import pytest

from journalgen.config import (
    EmailConfig,
    GuestbookConfig,
    PhotoSettings,
    SiteConfig,
    keys_of,
    parse,
)
from journalgen.errors import JournalError

MINIMAL = 'title: "Cooper\'s journal"\nbase_url: https://cooper.example.org/\n'


def test_a_setting_left_out_is_its_declared_default(tmp_path: Path) -> None:
    config = parse(MINIMAL, tmp_path / "journalgen.yaml")
    groups = (
        (SiteConfig, config),
        (GuestbookConfig, config.guestbook),
        (EmailConfig, config.email),
        (PhotoSettings, config.photos),
    )
    checked = 0
    for group, value in groups:
        for item in fields(group):
            if "own" in item.metadata and item.default is not MISSING:
                assert getattr(value, item.name) == item.default, f"{group.__name__}.{item.name}"
                checked += 1
    assert checked >= 30


@pytest.mark.parametrize(
    ("group", "key", "value"),
    [
        (None, "page_size", "5"),
        (None, "feed_size", "7"),
        (None, "footer", '"Written with love"'),
        (None, "author", "jenny"),
        (None, "allow_unsafe_html", "true"),
        ("guestbook", "page_size", "9"),
        ("guestbook", "form_name", "messages"),
        ("email", "smtp_user", "cooper-family"),
        ("email", "security", "ssl"),
        ("photos", "strip_static", "false"),
    ],
)
def test_each_setting_read_by_its_type_is_read(
    tmp_path: Path, group: str | None, key: str, value: str
) -> None:
    text = MINIMAL + (f"{key}: {value}\n" if group is None else f"{group}:\n  {key}: {value}\n")
    config = parse(text, tmp_path / "journalgen.yaml")
    holder = config if group is None else getattr(config, group)
    name = "default_author" if key == "author" else key
    assert str(getattr(holder, name)).lower() == value.strip('"').lower()


def test_a_key_no_setting_declares_is_refused_with_its_line(tmp_path: Path) -> None:
    assert "page_size" in keys_of(SiteConfig) and "from" in keys_of(EmailConfig)
    with pytest.raises(JournalError) as raised:
        parse(MINIMAL + "pagesize: 5\n", tmp_path / "journalgen.yaml")
    assert raised.value.problems[0].line == 3
    with pytest.raises(JournalError) as raised:
        parse(MINIMAL + "guestbook:\n  colour: blue\n", tmp_path / "journalgen.yaml")
    assert raised.value.problems[0].line == 4
