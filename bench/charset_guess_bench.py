"""Undeclared charsets: charset-normalizer's guess against the hand-written cp1252 fallback.

    python bench/charset_guess_bench.py [--rounds 5]

Accuracy: text in twelve scripts and languages encoded in the charset its writers use, decoded
with no charset declared, by the hand-written chain alone (UTF-8, then cp1252) and by
`anchordesk.mail.charsets.decode_bytes` (which adds the library's guess for non-Latin scripts);
then 1,521 two-word Western phrases and 2,000 runs of 3-8 Western words, which the guess must
leave alone. Speed: median time to decode a short subject, a 1 KB body, and 1 MB bodies
(Latin, Cyrillic, random bytes), each both ways. The findings are in anchordesk/mail/charsets.py.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from anchordesk.mail.charsets import decode_bytes

SAMPLES = [
    ("Здравствуйте, мой заказ до сих пор не пришёл. Пожалуйста, помогите мне вернуть деньги.", "cp1251"),
    ("Здравствуйте, мой заказ до сих пор не пришёл. Пожалуйста, помогите мне вернуть деньги.", "koi8_r"),
    ("お世話になっております。注文した商品がまだ届いていません。返金をお願いします。", "cp932"),
    ("お世話になっております。注文した商品がまだ届いていません。返金をお願いします。", "euc_jp"),
    ("您好，我的订单至今还没有到货，请帮我退款。谢谢！", "gb18030"),
    ("您好，我的訂單至今還沒有到貨，請幫我退款。謝謝！", "big5"),
    ("안녕하세요, 주문한 상품이 아직 도착하지 않았습니다. 환불 부탁드립니다.", "cp949"),
    ("Καλημέρα, η παραγγελία μου δεν έχει φτάσει ακόμα. Παρακαλώ επιστρέψτε τα χρήματα.", "cp1253"),
    ("שלום, ההזמנה שלי עדיין לא הגיעה. בבקשה תחזירו לי את הכסף.", "cp1255"),
    ("Заказ не пришёл", "cp1251"),
    ("注文について", "cp932"),
    ("Order #123 — Здравствуйте, где мой заказ?", "cp1251"),
    ("Dzień dobry, moje zamówienie jeszcze nie dotarło. Proszę o zwrot pieniędzy. Łukasz", "cp1250"),
    ("Merhaba, siparişim hâlâ gelmedi. Lütfen paramı iade edin. Teşekkürler, Çağrı", "cp1254"),
    ("Bonjour, ma commande n'est toujours pas arrivée. Pouvez-vous me rembourser ? Hélène", "latin-1"),
    ("Grüße, meine Bestellung ist noch nicht da – bitte „schnell“ erstatten. Danke, Jürgen", "cp1252"),
    ("Señor, mi pedido no ha llegado. ¿Pueden devolverme el dinero? Gracias, Iñaki", "latin-1"),
    ("Price: 50 € or £45 ©2024 ®", "cp1252"),
    ("“Hello” – it’s fine…", "cp1252"),
    ("Café crème € 5", "cp1252"),
]
WORDS = [
    "Café",
    "crème",
    "résumé",
    "naïve",
    "façade",
    "Noël",
    "Zoë",
    "Jürgen",
    "Müller",
    "Grüße",
    "Straße",
    "Åsa",
    "Øberg",
    "Søren",
    "Señor",
    "Núñez",
    "Iñaki",
    "São",
    "Paulo",
    "Conceição",
    "João",
    "Ægir",
    "Ærø",
    "déjà",
    "vu",
    "à",
    "bientôt",
    "über",
    "schön",
    "Österreich",
    "François",
    "Hélène",
    "Chloé",
    "Renée",
    "Fiancé",
    "Piñata",
    "Jalapeño",
    "Málaga",
    "Gödel",
]


def hand_written(data: bytes) -> str:
    """The chain before the library: UTF-8, then cp1252, then latin-1."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def median_ms(fn: Callable[[bytes], str], data: bytes, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn(data)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    hand = lib = 0
    for text, charset in SAMPLES:
        data = text.encode(charset)
        hand += hand_written(data) == text
        lib += decode_bytes(data) == text
    print(f"samples read as written: hand-written {hand}/{len(SAMPLES)}, with the guess {lib}/{len(SAMPLES)}")

    pairs = [f"{a} {b}" for a in WORDS for b in WORDS]
    rng = random.Random(7)
    runs = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 8))) for _ in range(2000)]
    for name, texts in (("two-word Western phrases", pairs), ("Western word runs", runs)):
        spoiled = sum(decode_bytes(t.encode("cp1252")) != t for t in texts)
        print(f"{name}: {len(texts)}, spoiled by the guess {spoiled}")

    rng_bytes = random.Random(1)
    bodies = {
        "subject (15 B, Cyrillic)": "Заказ не пришёл".encode("cp1251"),
        "body 1 KB (French)": ("Bonjour, ma commande n'est pas arrivée. Hélène\n" * 22).encode("latin-1"),
        "body 1 KB (Cyrillic)": ("Здравствуйте, мой заказ не пришёл.\n" * 30).encode("cp1251"),
        "body 1 MB (French)": ("Bonjour, ma commande n'est pas arrivée. Hélène\n" * 22000).encode("latin-1"),
        "body 1 MB (Cyrillic)": ("Здравствуйте, мой заказ не пришёл.\n" * 30000).encode("cp1251"),
        "body 1 MB (random bytes)": bytes(rng_bytes.getrandbits(8) for _ in range(1_000_000)),
    }
    decode_bytes(bodies["body 1 KB (Cyrillic)"])  # the library's first call loads its tables
    for name, data in bodies.items():
        print(
            f"{name:28} hand-written {median_ms(hand_written, data, args.rounds):7.2f} ms"
            f"   with the guess {median_ms(decode_bytes, data, args.rounds):7.2f} ms"
        )


if __name__ == "__main__":
    main()
