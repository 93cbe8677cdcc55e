"""Reply extraction on the reply-parser fixture suites, plus the clients and languages they lack.

Where the original suites state the expected reply (zapier/email-reply-parser's
`parse_reply` and `reply` assertions, alfonsrv/mail-parser-reply's `latest_reply` bodies)
the expectation is copied here as an exact string or as must/must-not substrings; the
others are what a person reading the mail would call the reply.
"""

from __future__ import annotations

import pytest

from anchordesk.mail import extract_reply, parse
from tests.mail._corpus import corpus_file

Z = "zapier_email_reply_parser/test/emails/"
G = "github_email_reply_parser/test/emails/"
M = "mail_parser_reply/test/emails/"

# (fixture, exact reply or None, must contain, must not contain)
EXPECTED: list[tuple[str, str | None, list[str], list[str]]] = [
    (Z + "email_1_1.txt", None, ["Hi folks", "Java HTTP API."], ["Abhishek Kona", "riak-users"]),
    (
        Z + "email_1_2.txt",
        None,
        ["Hi,", "You can list the keys for the bucket", "would do it."],
        ["Abhishek Kona wrote", "> Hi folks", "riak-users mailing list"],
    ),
    (Z + "email_1_3.txt", "Oh thanks.\n\nHaving the function would be great.", [], []),
    (Z + "email_1_4.txt", "Awesome! I haven't had another problem with it.", [], []),
    (Z + "email_1_5.txt", None, ["One: Here's what I've got.", "for a while."], []),
    (Z + "email_1_6.txt", None, ["I get proper rendering as well."], ["Corey Donohoe", "caching related"]),
    (Z + "email_1_7.txt", ":+1:", [], []),
    (Z + "email_1_8.txt", "I will reply under this one\n\nand under this.", [], []),
    (Z + "email_2_1.txt", "Outlook with a reply", [], []),
    (Z + "email_2_2.txt", "Outlook with a reply directly above line", [], []),
    (Z + "email_2_3.txt", "Outlook with a reply above headers using unusual format", [], []),
    (Z + "email_BlackBerry.txt", "Here is another email", [], []),
    (Z + "email_iPhone.txt", "Here is another email", [], []),
    (Z + "email_multi_word_sent_from_my_mobile_device.txt", "Here is another email", [], []),
    (
        Z + "email_sent_from_my_not_signature.txt",
        "Here is another email\n\nSent from my desk, is much easier then my mobile phone.",
        [],
        [],
    ),
    (
        Z + "email_bullets.txt",
        None,
        ["test 2 this should list second", "- and another"],
        ["Give us an example", "Joe Smith"],
    ),
    (Z + "email_gmail.txt", "This is a test for inbox replying to a github message.", [], []),
    (Z + "email_headers_no_delimiter.txt", "And another reply!", [], []),
    (
        Z + "email_one_is_not_on.txt",
        None,
        ["Locally (on development), when I run..."],
        ["On Oct 1, 2012, at 11:55 PM, Dave Tapley wrote:"],
    ),
    (
        Z + "email_partial_quote_header.txt",
        None,
        ["On your remote host you can run:", "telnet 127.0.0.1 52698", "This should connect to TextMate"],
        ["George Plymale"],
    ),
    (Z + "greedy_on.txt", None, ["On your remote host you can run:"], ["On 9 Jan 2014", "port forwarding"]),
    (Z + "email_sig_delimiter_in_middle_of_line.txt", None, ["this is not a signature.", "kthxbai"], []),
    (Z + "correct_sig.txt", "this is an email with a correct -- signature.", [], []),
    (Z + "pathological.txt", None, ["I think you're onto something."], ["John Sullivan", "score: 39.0"]),
    (G + "email_long_quote.txt", None, [], ["wrote:"]),
    (M + "email_sent_from_iPhone.txt", "Here is another email", [], []),
    (M + "email_sent_from_BlackBerry.txt", "Here is another email", [], []),
    (M + "email_sent_from_multi_word_mobile_device.txt", "Here is another email", [], []),
    (
        M + "email_sent_from_not_signature.txt",
        "Here is another email\n\nSent from my desk, is much easier than my mobile phone.",
        [],
        [],
    ),
    (M + "email_3_1.txt", "First reply.\n\nThis is fairly common; nothing too hard here!", [], []),
    (M + "multiline_on_de.txt", "Am heutigen Tage", [], []),
    (M + "multiline_on.txt", "", [], []),
    (M + "multi_header.txt", "No problem. I’ll just start a new order.", [], []),
    (
        M + "begins_with_signature.txt",
        None,
        ["Thank you, Sonya Johnson.", "hope you can join."],
        ["Regards,", "Cody Hart", "10.30 AM pacific"],
    ),
    (M + "outlook.txt", None, ["Dear Team,", "My number is"], ["Get Outlook for iOS"]),
    (
        M + "caution.txt",
        None,
        ["Below THIS and THAT file", "job at our end."],
        ["CAUTION: This email originated", "HAHA LOLO", "intended solely"],
    ),
    (M + "caution2.txt", None, ["My order is time sensitive."], ["Disclaimer", "scanned for viruses"]),
    (M + "forward.txt", None, ["Can I get 1 Arrival Notice without PU# and invoice?"], []),
]


def _reply(relative: str) -> str:
    return extract_reply(corpus_file(relative).decode("utf-8", "replace"))


def matches(relative: str, exact: str | None, must: list[str], must_not: list[str]) -> bool:
    reply = _reply(relative)
    if exact is not None and reply != exact:
        return False
    return all(s in reply for s in must) and not any(s in reply for s in must_not)


@pytest.mark.parametrize(("relative", "exact", "must", "must_not"), EXPECTED, ids=[e[0] for e in EXPECTED])
def test_fixture_reply(relative: str, exact: str | None, must: list[str], must_not: list[str]) -> None:
    reply = _reply(relative)
    if exact is not None:
        assert reply == exact
    for text in must:
        assert text in reply
    for text in must_not:
        assert text not in reply


TALON_SIGNATURES = ["jeff", "long", "sparse", "short_url", "johndoeexamplecom", "camel_case"]


@pytest.mark.parametrize("name", TALON_SIGNATURES)
def test_talon_signature_fixtures(name: str) -> None:
    base = "talon/tests/fixtures/signature/emails/stripped/"
    body = corpus_file(base + f"{name}_body").decode("utf-8")
    signature = corpus_file(base + f"{name}_signature").decode("utf-8").strip()
    sender = corpus_file(base + f"{name}_sender").decode("utf-8").strip()
    name_hint = sender.split("@", 1)[0]  # parse() passes the display name, else the local part
    reply = extract_reply(body, sender_name=name_hint)
    expected = body.strip()[: len(body.strip()) - len(signature)].strip() if signature else body.strip()
    assert reply == expected


# Clients and languages the fixture suites do not cover, as those clients write them.
CLIENTS = {
    "gmail_wrapped": "Thanks, that fixed it.\n\nOn Mon, Jan 2, 2023 at 10:15 AM Support Team <\nsupport@example.com> wrote:\n\n> Please try again.\n",
    "outlook_desktop": "Still broken for me.\n\n________________________________\nFrom: Support <support@example.com>\nSent: Monday, January 2, 2023 10:15 AM\nTo: Jane <jane@example.com>\nSubject: RE: Refund\n\nPlease try again.\n",
    "outlook_original": "Still broken for me.\n\n-----Original Message-----\nFrom: Support [mailto:support@example.com]\nSent: Monday, January 2, 2023 10:15 AM\nSubject: RE: Refund\n\nPlease try again.\n",
    "apple_mail": "Still broken for me.\n\nSent from my iPad\n\n> On 2 Jan 2023, at 10:15, Support <support@example.com> wrote:\n> \n> Please try again.\n",
    "yahoo": "Still broken for me.\n\n    On Monday, January 2, 2023, 10:15:00 AM GMT+1, Support <support@example.com> wrote:  \n \n Please try again.\n",
    "yahoo_old": "Still broken for me.\n\n----- Original Message -----\nFrom: Support <support@example.com>\nTo: Jane\nSent: Monday, January 2, 2023\n\nPlease try again.\n",
    "thunderbird": "Still broken for me.\n\n-- \nJane Doe\nACME Corp\n\nOn 02/01/2023 10:15, Support wrote:\n> Please try again.\n",
    "android_outlook": "Still broken for me.\n\nGet Outlook for Android<https://aka.ms/ghei36>\n\n________________________________\nFrom: Support <support@example.com>\nSent: Monday, January 2, 2023 10:15:00 AM\nTo: Jane <jane@example.com>\nSubject: RE: Refund\n\nPlease try again.\n",
    "german": "Immer noch kaputt.\n\nAm Mo., 2. Jan. 2023 um 10:15 Uhr schrieb Support <support@example.com>:\n> Bitte erneut versuchen.\n",
    "german_outlook": "Immer noch kaputt.\n\nVon: Support <support@example.com>\nGesendet: Montag, 2. Januar 2023 10:15\nAn: Jane <jane@example.com>\nBetreff: AW: Erstattung\n\nBitte erneut versuchen.\n",
    "french": "Toujours en panne.\n\nLe lun. 2 janv. 2023 à 10:15, Support <support@example.com> a écrit :\n> Veuillez réessayer.\n",
    "french_outlook": "Toujours en panne.\n\nDe : Support <support@example.com>\nEnvoyé : lundi 2 janvier 2023 10:15\nÀ : Jane <jane@example.com>\nObjet : RE: Remboursement\n\nVeuillez réessayer.\n",
    "spanish": "Sigue roto.\n\nEl lun, 2 ene 2023 a las 10:15, Support (<support@example.com>) escribió:\n> Inténtelo de nuevo.\n",
    "dutch": "Nog steeds kapot.\n\nOp ma 2 jan. 2023 om 10:15 schreef Support <support@example.com>:\n> Probeer het opnieuw.\n",
    "italian": "Ancora rotto.\n\nIl giorno lun 2 gen 2023 alle ore 10:15 Support <support@example.com> ha scritto:\n> Riprova.\n",
    "portuguese": "Ainda quebrado.\n\nEm seg., 2 de jan. de 2023 às 10:15, Support <support@example.com> escreveu:\n> Tente novamente.\n",
    "swedish": "Fortfarande trasigt.\n\nDen mån 2 jan. 2023 kl 10:15 skrev Support <support@example.com>:\n> Försök igen.\n",
    "polish": "Nadal nie działa.\n\npon., 2 sty 2023 o 10:15 Support <support@example.com> napisał(a):\n> Spróbuj ponownie.\n",
    "russian": "Всё ещё не работает.\n\nпн, 2 янв. 2023 г. в 10:15, Support <support@example.com>:\n> Попробуйте ещё раз.\n",
    "japanese": "まだ直りません。\n\n2023年1月2日(月) 10:15 Support <support@example.com>:\n> もう一度お試しください。\n",
    "chinese": "还是不行。\n\nSupport <support@example.com> 于2023年1月2日周一 10:15写道：\n> 请再试一次。\n",
    "chinese_unquoted": "还是不行。\n\n在 2023年1月2日 周一 10:15，Support <support@example.com> 写道：\n\n请再试一次。\n",
    "bottom_post": "> Please try again.\n\nStill broken for me.\n",
}
FIRST_LINE = {
    "german": "Immer noch kaputt.", "german_outlook": "Immer noch kaputt.", "french": "Toujours en panne.",
    "french_outlook": "Toujours en panne.", "spanish": "Sigue roto.", "dutch": "Nog steeds kapot.",
    "italian": "Ancora rotto.", "portuguese": "Ainda quebrado.", "swedish": "Fortfarande trasigt.",
    "polish": "Nadal nie działa.", "russian": "Всё ещё не работает.", "japanese": "まだ直りません。",
    "chinese": "还是不行。", "chinese_unquoted": "还是不行。", "gmail_wrapped": "Thanks, that fixed it.",
}  # fmt: skip


@pytest.mark.parametrize("client", sorted(CLIENTS))
def test_clients_and_languages(client: str) -> None:
    assert extract_reply(CLIENTS[client]) == FIRST_LINE.get(client, "Still broken for me.")


def test_reply_text_from_a_whole_message_and_html_only_reply() -> None:
    raw = (
        b"From: Jane <jane@example.test>\nSubject: Re: Refund\nContent-Type: text/html; charset=utf-8\n\n"
        b"<div dir=ltr>Still broken for me.<br></div><br><div class=gmail_quote><div dir=ltr>On Mon, Jan 2,"
        b" 2023 at 10:15 AM Support &lt;support@example.com&gt; wrote:<br></div><blockquote>Please try"
        b" again.</blockquote></div>"
    )
    parsed = parse(raw)
    assert parsed.reply_text == "Still broken for me."
    assert "Please try again." in parsed.text


def test_talon_share_block_eml() -> None:
    parsed = parse(corpus_file("talon/tests/fixtures/reply-quotations-share-block.eml"))
    assert parsed.reply_text.startswith("Hi Katharine.")
    assert "wrote:" not in parsed.reply_text


def test_reply_text_can_be_left_for_later_and_comes_out_the_same():
    raw = (
        b"From: Dana <dana@example.test>\r\nTo: support@example.test\r\nSubject: Re: kettle\r\n"
        b"Message-ID: <r1@example.test>\r\n\r\nStill broken, sorry.\r\n\r\n"
        b"On Mon, 1 Dec 2026 at 10:00, Support <support@example.test> wrote:\r\n> Try turning it off and on.\r\n"
    )
    eager, lazy = parse(raw), parse(raw, reply_text=False)
    assert eager.reply_text == "Still broken, sorry."
    assert lazy.reply_text == "" and lazy.reply_part() == eager.reply_text
    assert lazy.text == eager.text
