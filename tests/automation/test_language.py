"""The language guess behind skills-based assignment: pure, no Django."""

from __future__ import annotations

import pytest

from anchordesk.automation.language import guess_language, language_skills


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Hola, mi pedido no ha llegado todavía y es la segunda vez que escribo. Gracias.", "es"),
        ("Hallo, meine Bestellung ist noch nicht angekommen. Ich habe schon zweimal geschrieben.", "de"),
        ("Bonjour, ma commande n'est pas arrivée et je suis toujours sans nouvelles. Merci.", "fr"),
        ("Olá, o meu pedido não chegou e já é a segunda vez que escrevo. Obrigado.", "pt"),
        ("Ciao, il mio ordine non è ancora arrivato e sono molto deluso. Grazie.", "it"),
        ("Hallo, mijn bestelling is nog niet aangekomen en ik heb al twee keer gemaild.", "nl"),
        ("Hello, my order has not arrived and this is the second time I write. Thanks.", "en"),
    ],
)
def test_the_language_of_a_customer_message_is_recognized(text, code):
    assert guess_language(text) == code


@pytest.mark.parametrize("text", ["", "OK", "Invoice 2026-114", "ok thanks"])
def test_too_little_text_gives_no_guess(text):
    assert guess_language(text) is None


def test_language_skills_name_the_code_and_the_language():
    assert language_skills("Hola, mi pedido no ha llegado. Gracias por la ayuda.") == {"es", "spanish"}
    assert language_skills("?") == set()
