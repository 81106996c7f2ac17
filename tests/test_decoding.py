"""Decoding (issue 17 item 9): UTF-16 without a byte-order mark, UTF-32, and mojibake repaired only where
the text really is mojibake. Expected texts are written by hand; mojibake inputs are made here by
encoding the good text as UTF-8 and reading the bytes as cp1252, as a careless export does."""
from __future__ import annotations

import pytest

from transcripts import TranscriptError, read_document
from transcripts.readers import decode_text

LAVROV = ("Sergey Lavrov: Ladies and gentlemen, good afternoon. We held talks today.\n\n"
          "Question: Mr Lavrov, what about the treaty?\n\n"
          "Sergey Lavrov: We are ready to extend it.\n")
RUSSIAN = "Сергей Лавров: Добрый день. Мы провели переговоры.\n\nВопрос: Будет ли продлён договор?\n"


def mojibake(good: str) -> str:
    """`good` as UTF-8 bytes read as cp1252 (bytes cp1252 leaves undefined pass through, as browsers do)."""
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in good.encode("utf-8"))


@pytest.mark.parametrize("text", [LAVROV, RUSSIAN])
@pytest.mark.parametrize("codec, name", [("utf-16-le", "UTF-16LE"), ("utf-16-be", "UTF-16BE")])
def test_utf16_without_a_byte_order_mark_is_decoded_and_reported(tmp_path, text, codec, name):
    path = tmp_path / "t.txt"
    path.write_bytes(text.encode(codec))
    doc = read_document(path)
    assert doc.text == text
    assert doc.turns[0].speaker == text.split(":")[0]
    assert f"decoded from {name} (no byte-order mark: told by its zero bytes)" in doc.warnings


@pytest.mark.parametrize("codec", ["utf-32", "utf-32-be"])
def test_utf32_with_a_byte_order_mark_is_decoded(tmp_path, codec):
    path = tmp_path / "t.txt"
    data = text_bytes = LAVROV.encode(codec)
    if codec == "utf-32-be":
        data = b"\x00\x00\xfe\xff" + text_bytes  # Python writes the mark only for "utf-32"
    path.write_bytes(data)
    doc = read_document(path)
    assert doc.text == LAVROV and "decoded from UTF-32 (byte-order mark)" in doc.warnings


@pytest.mark.parametrize("codec, name", [("utf-32-le", "UTF-32LE"), ("utf-32-be", "UTF-32BE")])
def test_utf32_without_a_byte_order_mark_is_named(tmp_path, codec, name):
    path = tmp_path / "t.txt"
    path.write_bytes(RUSSIAN.encode(codec))
    with pytest.raises(TranscriptError) as info:
        read_document(path)
    message = str(info.value)
    assert f"looks like {name} text without a byte-order mark" in message and "Re-save it as UTF-8" in message
    assert "binary" not in message and "control characters" not in message


@pytest.mark.parametrize("data, message", [
    (bytes(range(256)) * 8, "looks binary (it contains NUL bytes)"),  # zeros on both sides: not text
    ("Sergey Lavrov: hello".encode("utf-16-le") + b"x", "looks like UTF-16LE text without a byte-order mark, "
                                                        "but is not valid UTF-16LE"),  # cut short by a byte
])
def test_nul_bytes_that_are_not_utf16(tmp_path, data, message):
    path = tmp_path / "t.txt"
    path.write_bytes(data)
    with pytest.raises(TranscriptError) as info:
        read_document(path)
    assert message in str(info.value)


GOOD_RU = "Сергей Лавров: Добрый день."
GOOD_FR = "Jean-Yves Le Drian: Genève, café, été."


@pytest.mark.parametrize("raw, expected, repaired", [
    # really mojibake: repaired
    (mojibake("Sergey Lavrov: “We agree.”"), "Sergey Lavrov: “We agree.”", True),  # three-byte sequences
    (mojibake(GOOD_RU), GOOD_RU, True),  # Cyrillic: sequences in a row
    (mojibake(GOOD_FR), GOOD_FR, True),  # only short ones, but the whole file is double-encoded
    ("Мария Захарова: " + mojibake("“New START”") + " — да.", "Мария Захарова: “New START” — да.", True),
    # legitimate text: left as written
    ("The price was Â£5 in 1990.", "The price was Â£5 in 1990.", False),  # one short stretch, nothing else
    ("In Latin-1, é shows as Ã© on the screen.", "In Latin-1, é shows as Ã© on the screen.", False),
    ("The sign read “Â£5 or Â£10”.", "The sign read “Â£5 or Â£10”.", False),  # sound quotes around it
    ("Ménage à trois, Fuß“ and CAFÉ…", "Ménage à trois, Fuß“ and CAFÉ…", False),
])
def test_mojibake_is_repaired_only_where_it_really_is_mojibake(raw, expected, repaired):
    text, notes = decode_text(raw.encode("utf-8"), "t.txt")
    assert text == expected
    assert any(n.startswith("repaired") for n in notes) == repaired
    if raw == expected and any(ch in raw for ch in "ÂÃ"):
        assert any(n.startswith("left 1 stretch(es)") or n.startswith("left 2 stretch(es)") for n in notes)


def test_a_repair_is_reported_with_its_line(tmp_path):
    path = tmp_path / "t.txt"
    path.write_bytes(("Sergey Lavrov: Hello.\n\nQuestion: " + mojibake("“Why?”") + "\n").encode("utf-8"))
    doc = read_document(path)
    assert doc.text == "Sergey Lavrov: Hello.\n\nQuestion: “Why?”\n"
    assert "repaired 2 stretch(es) of mojibake (UTF-8 read as cp1252/latin-1): line 3 'â€œ' -> '“' and 1 more" \
        in doc.warnings
