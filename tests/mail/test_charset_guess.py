"""Mail that does not say its charset, or says the wrong one, still reads as the sender wrote it.

charset-normalizer guesses non-Latin scripts the hand-written chain used to turn into mojibake;
Western text keeps the cp1252 reading it always had (see anchordesk/mail/charsets.py).
"""

from __future__ import annotations

import pytest

from anchordesk.mail import parse
from anchordesk.mail.charsets import decode_bytes

RUSSIAN = "Здравствуйте, мой заказ до сих пор не пришёл. Пожалуйста, верните деньги."
JAPANESE = "お世話になっております。注文した商品がまだ届いていません。返金をお願いします。"
CHINESE = "您好，我的订单至今还没有到货，请帮我退款。谢谢！"
GREEK = "Καλημέρα, η παραγγελία μου δεν έχει φτάσει ακόμα. Παρακαλώ επιστρέψτε τα χρήματα."
HEBREW = "שלום, ההזמנה שלי עדיין לא הגיעה. בבקשה תחזירו לי את הכסף."
KOREAN = "안녕하세요, 주문한 상품이 아직 도착하지 않았습니다. 환불 부탁드립니다."


def _email(body: bytes, content_type: str = "text/plain", subject: bytes = b"Order") -> bytes:
    return (
        b"From: Customer <c@example.test>\nTo: help@example.test\nSubject: " + subject + b"\n"
        b"Content-Type: " + content_type.encode() + b"\n\n" + body + b"\n"
    )


@pytest.mark.parametrize(
    ("text", "written_in"),
    [
        (RUSSIAN, "cp1251"),
        (RUSSIAN, "koi8_r"),
        (JAPANESE, "shift_jis"),
        (JAPANESE, "euc_jp"),
        (CHINESE, "gbk"),
        (GREEK, "cp1253"),
        (HEBREW, "cp1255"),
        (KOREAN, "euc_kr"),
    ],
)
def test_an_undeclared_body_in_a_non_latin_script_reads_as_written(text: str, written_in: str) -> None:
    parsed = parse(_email(text.encode(written_in)))
    assert parsed.ok
    assert text in parsed.text


def test_a_body_labelled_us_ascii_but_written_in_cp1251_reads_as_written() -> None:
    parsed = parse(_email(RUSSIAN.encode("cp1251"), "text/plain; charset=us-ascii"))
    assert RUSSIAN in parsed.text


def test_a_raw_8bit_subject_in_cyrillic_reads_as_written() -> None:
    parsed = parse(_email(b"Hello", subject="Заказ не пришёл, верните деньги".encode("cp1251")))
    assert parsed.subject == "Заказ не пришёл, верните деньги"


@pytest.mark.parametrize(
    "text",
    [
        "Café crème € 5",
        "Noël Núñez",
        "Jürgen Müller",
        "Price: 50 € or £45 ©2024 ®",
        "“Hello” – it’s fine…",
        "Bonjour, ma commande n'est toujours pas arrivée. Pouvez-vous me rembourser ? Merci, Hélène",
        "Señor, mi pedido no ha llegado. ¿Pueden devolverme el dinero? Gracias, Iñaki Núñez",
        "Hej, min beställning har inte kommit. Tack, Åsa Øberg, Søren Ærø",
    ],
)
def test_undeclared_western_text_keeps_its_cp1252_reading(text: str) -> None:
    assert decode_bytes(text.encode("cp1252")) == text
    assert text in parse(_email(text.encode("cp1252"))).text


def test_a_declared_charset_is_believed_when_it_decodes() -> None:
    # Cyrillic bytes labelled windows-1252 decode there without error: the label wins, as before.
    assert decode_bytes(RUSSIAN.encode("cp1251"), "windows-1252") == RUSSIAN.encode("cp1251").decode("cp1252")
    assert decode_bytes(RUSSIAN.encode("koi8_r"), "koi8-r") == RUSSIAN


def test_a_long_undeclared_body_is_guessed_from_its_start_and_decoded_whole() -> None:
    body = ((RUSSIAN + "\n") * 3000).encode("cp1251")  # ~400 KB, past the guess's sample
    assert decode_bytes(body) == (RUSSIAN + "\n") * 3000
