"""Translation: placeholders keep their types, plurals, fallbacks, and complete catalogs."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.catalog_tool import extract, problems
from bot.catalogs import Catalogs
from bot.i18n import _, _n, render
from bot.messages import Text, Timestamp, UserText


def test_both_catalogs_are_complete() -> None:
    missing = problems()
    assert missing == [], "\n".join(missing[:30])


def test_extraction_finds_messages_in_every_layer() -> None:
    locations = {location[0].split("/")[0] for message in extract() for location in message.locations}
    assert {"bot", "commands"} <= locations


def test_placeholders_keep_their_types() -> None:
    stamp = Timestamp(datetime(2026, 3, 31, 13, 0, tzinfo=UTC))
    text = render(Catalogs.load(), "en", _("{name} meets {when}.", name=UserText("<!channel>"), when=stamp))
    assert text == Text((UserText("<!channel>"), " meets ", stamp, "."))


def test_dutch_translation_and_plural_forms() -> None:
    catalogs = Catalogs.load()
    one = _n(
        "You are sending commands faster than Hearth can follow. Try again in {n} second.",
        "You are sending commands faster than Hearth can follow. Try again in {n} seconds.",
        1,
    )
    many = _n(one.msgid, one.plural or "", 5)
    assert render(catalogs, "nl", one).parts == (
        "Je stuurt sneller opdrachten dan Hearth kan volgen. Probeer het over ", "1", " seconde opnieuw.",
    )
    assert "".join(str(p) for p in render(catalogs, "nl", many).parts).endswith("5 seconden opnieuw.")
    assert "".join(str(p) for p in render(catalogs, "en", many).parts).endswith("5 seconds.")


def test_unknown_language_and_unknown_message_fall_back_to_english() -> None:
    catalogs = Catalogs.load()
    assert catalogs.gettext("fr", "Goal") == "Goal"
    assert catalogs.gettext("nl", "A sentence nobody wrote.") == "A sentence nobody wrote."
    assert set(catalogs.languages()) == {"en", "nl"}


def test_a_placeholder_without_value_stays_visible() -> None:
    text = render(Catalogs.load(), "en", _("Hello {who}."))
    assert "".join(p for p in text.parts if isinstance(p, str)) == "Hello {who}."
