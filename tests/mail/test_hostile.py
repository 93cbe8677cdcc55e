"""Hostile email (tests/mail/hostile.py) through every way in: the push endpoint, the MTA pipe
(real processes) and IMAP (real Dovecot), on SQLite and on PostgreSQL.

Each message ends on a ticket or in quarantine with a reason, none holds its neighbours
back, and the work each one causes is bounded: that is asserted on what was stored (the
nesting depth of the HTML, the number of followers, attachments and recipients, the
length of the text), never on the clock.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import DataError
from django.urls import reverse

from anchordesk.mail import ingest as ingest_module
from anchordesk.mail.ingest import process_batch
from anchordesk.mail.models import InboundEmail, InboundState, Mailbox, OutboundEmail
from anchordesk.tickets import actions
from anchordesk.tickets.actions import MAX_BODY
from anchordesk.tickets.models import Follower, Ticket, email_message_key
from anchordesk.tickets.sanitize import MAX_HTML_DEPTH
from tests.mail.hostile import DEPTH, PREFIX_250, Hostile, build_email, hostile_corpus
from tests.services import scratch_database_url

_VOID = {"br", "hr", "img", "col", "wbr"}
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(/?)>")


def html_depth(html: str) -> int:
    """The deepest nesting of elements in stored (sanitized, well-formed) HTML."""
    depth = deepest = 0
    for closing, name, self_closing in _TAG.findall(html):
        if name.lower() in _VOID or self_closing:
            continue
        depth += -1 if closing else 1
        deepest = max(deepest, depth)
    return deepest


def test_the_corpus_is_hostile_enough():
    cases = hostile_corpus()
    assert len(cases) >= 40 and len({c.name for c in cases}) == len(cases)
    bomb = next(c for c in cases if c.name == "nested_html_100k")
    assert bomb.raw.count(b"<div>") == DEPTH and len(bomb.raw) > 1_000_000


# ---------------------------------------------------------------- what each must look like


def _message_of(row: InboundEmail) -> Any:
    assert row.ticket_message is not None, (row.state, row.reason)
    return row.ticket_message


def _nul_free(row: InboundEmail, case: Hostile) -> None:
    """Stored, with U+FFFD where the refused code point was (NUL, or a lone surrogate)."""
    message = _message_of(row)
    names = "".join(a.filename for a in message.attachments.all())
    stored = [
        row.subject,
        row.from_address,
        message.body_text,
        message.body_html,
        message.customer.name,
        names,
    ]
    assert not any("\x00" in text for text in stored)
    if case.name == "nul_attachment_name":
        assert names == "receipt.txt"  # the file is kept; the name keeps only safe characters
    elif case.name != "nul_in_header":  # a header nobody stores
        assert "\ufffd" in "".join(stored), stored


def _checks() -> dict[str, Any]:
    def nested(row: InboundEmail, case: Hostile) -> None:
        message = _message_of(row)
        assert "Help, my order is lost." in message.body_text
        assert 0 < html_depth(message.body_html) <= MAX_HTML_DEPTH
        assert "99,900 tags removed, their text kept" in message.body_text

    def cc(row: InboundEmail, case: Hostile) -> None:
        message = _message_of(row)
        assert Follower.objects.filter(ticket=message.ticket).count() == 50
        assert (
            "4,950 Cc addresses not made followers: over the limit of 50: cc50@example.test"
            in message.body_text
        )
        assert "4,950 Cc addresses not made followers" in row.reason

    def attachments(row: InboundEmail, case: Hostile) -> None:
        message = _message_of(row)
        assert message.attachments.count() == 10
        assert "[190 attachments not kept: over the limit of 10]" in message.body_text

    def long_body(row: InboundEmail, case: Hostile) -> None:
        message = _message_of(row)
        assert MAX_BODY - 200 < len(message.body_text) <= MAX_BODY
        assert "Text cut at" in message.body_text and "the whole email is kept" in message.body_text
        assert bytes(InboundEmail.objects.get(pk=row.pk).raw) == case.raw  # the original, whole

    def huge_html(row: InboundEmail, case: Hostile) -> None:
        message = _message_of(row)
        assert message.body_html == "" and "HTML version not kept" in message.body_text
        assert len(message.body_text) <= MAX_BODY

    def long_id(row: InboundEmail, case: Hostile) -> None:
        assert row.state == InboundState.PROCESSED
        assert row.message_id.startswith("<" + PREFIX_250) and len(row.message_id) > 250
        assert _message_of(row).email_message_id == row.message_id

    def huge_id(row: InboundEmail, case: Hostile) -> None:
        assert len(row.message_id) > 100_000 and row.message_key == email_message_key(row.message_id)

    def duplicate(row: InboundEmail, case: Hostile) -> None:
        assert row.reason and row.ticket_message is None

    def nested_multipart(row: InboundEmail, case: Hostile) -> None:
        assert "were skipped" in _message_of(row).body_text

    def many_to(row: InboundEmail, case: Hostile) -> None:
        assert (
            Follower.objects.filter(ticket=_message_of(row).ticket).count() == 0
        )  # To never makes followers

    checks: dict[str, Any] = {
        "nested_html_100k": nested,
        "cc_5000": cc,
        "attachments_200": attachments,
        "body_1mb": long_body,
        "body_one_line_1mb": long_body,
        "huge_html_3mb": huge_html,
        "long_id_a": long_id,
        "long_id_b": long_id,
        "message_id_100k": huge_id,
        "duplicate_id_other_bytes": duplicate,
        "nested_multipart_100": nested_multipart,
        "to_5000": many_to,
    }
    for name in (
        "nul_raw_body",
        "nul_base64_body",
        "nul_encoded_word_subject",
        "nul_encoded_word_name",
        "nul_raw_subject",
        "nul_in_header",
        "nul_attachment_name",
        "nul_html_body",
        "lone_surrogate_utf7_body",
        "lone_surrogate_utf7_subject",
    ):
        checks[name] = _nul_free
    return checks


def assert_outcomes(rows: dict[str, InboundEmail], cases: list[Hostile]) -> None:
    """Every case in its expected state with a reason when set aside; then the bounds and the checks."""
    checks = _checks()
    wrong = {
        c.name: (rows[c.name].state, rows[c.name].reason) for c in cases if rows[c.name].state != c.outcome
    }
    assert not wrong, wrong
    for case in cases:
        row = rows[case.name]
        if row.state != InboundState.PROCESSED:
            assert row.reason, case.name
            continue
        message = _message_of(row)
        assert len(message.body_text) <= MAX_BODY, case.name
        assert html_depth(message.body_html) <= MAX_HTML_DEPTH, case.name
        assert message.attachments.count() <= 10, case.name
        assert Follower.objects.filter(ticket=message.ticket).count() <= 50, case.name
        if case.name in checks:
            checks[case.name](row, case)
    long_a, long_b = rows["long_id_a"], rows["long_id_b"]
    assert long_a.ticket_id != long_b.ticket_id  # a shared 250-character prefix is not the same message


# ---------------------------------------------------------------- push endpoint


@pytest.mark.django_db
def test_every_hostile_email_pushed_ends_on_a_ticket_or_in_quarantine(client):
    box = Mailbox.objects.create(name="Support", address="help@example.test", push_secret="s3cret")
    url = reverse("mail-push", args=[box.pk])
    cases = hostile_corpus()
    ids: dict[str, int] = {}
    for case in cases:
        response = client.post(
            url, case.raw, content_type="message/rfc822", HTTP_X_ANCHORDESK_SECRET="s3cret"
        )
        assert response.status_code == 202, (case.name, response.content[:300])
        ids[case.name] = response.json()["id"]
    # The worker routes what was pushed (here the hostile ones in one batch: none may hold back the others).
    process_batch(list(ids.values()))
    rows = {
        name: InboundEmail.objects.select_related("ticket_message").get(pk=pk) for name, pk in ids.items()
    }
    assert_outcomes(rows, cases)


@pytest.mark.django_db
def test_a_pushed_message_over_the_size_limit_gets_413_with_the_reason(client, monkeypatch):
    monkeypatch.setattr(ingest_module, "MAX_RAW_BYTES", 100_000)
    box = Mailbox.objects.create(name="Support", address="help@example.test", push_secret="s3cret")
    response = client.post(
        reverse("mail-push", args=[box.pk]),
        b"Subject: big\r\n\r\n" + b"x" * 100_001,
        content_type="message/rfc822",
        HTTP_X_ANCHORDESK_SECRET="s3cret",
    )
    assert response.status_code == 413
    assert (
        response.json()["errors"][0]["field"] == "body" and "100000 byte limit" in response.json()["detail"]
    )
    assert not InboundEmail.objects.exists()


# ---------------------------------------------------------------- one refused message, the rest go on


@pytest.mark.django_db
def test_a_message_the_database_refuses_is_quarantined_alone_and_can_be_retried(people, client, monkeypatch):
    from tests.mail.mailfactory import raw_email

    stored = [
        ingest_module.store_raw(raw_email(subject=f"Order {i}", sender=f"c{i}@example.test"), source="imap")[
            0
        ]
        for i in range(5)
    ]
    real_route = ingest_module._route

    def refuse_one(
        inbound, parsed, lookups
    ):  # as PostgreSQL refused NUL bytes before they were made storable
        if parsed.subject == "Order 2":
            raise DataError("invalid byte sequence for encoding UTF8: 0x00")
        return real_route(inbound, parsed, lookups)

    monkeypatch.setattr(ingest_module, "_route", refuse_one)
    process_batch([row.pk for row in stored])
    states = [InboundEmail.objects.get(pk=row.pk) for row in stored]
    assert [s.state for s in states] == ["processed", "processed", "quarantined", "processed", "processed"]
    assert "the database refused it: DataError" in states[2].reason
    monkeypatch.setattr(ingest_module, "_route", real_route)
    client.force_login(people.admin)
    assert "the database refused it" in client.get(reverse("mail-quarantine")).content.decode()
    client.post(reverse("mail-retry", args=[stored[2].pk]))
    assert InboundEmail.objects.get(pk=stored[2].pk).state == InboundState.PROCESSED
    assert Ticket.objects.filter(subject="Order 2").count() == 1


# ---------------------------------------------------------------- Message-IDs, bodies, caps


@pytest.mark.django_db
def test_long_message_ids_thread_exactly_on_their_whole_length(people):

    def ingest(raw: bytes) -> InboundEmail:
        return ingest_module.process_inbound(ingest_module.store_raw(raw, source="pipe")[0].pk)

    first_id = f"<{PREFIX_250}-one@example.test>"
    second_id = f"<{PREFIX_250}-two@example.test>"
    first = ingest(build_email("first", message_id=first_id, sender="a@example.test"))
    second = ingest(build_email("second", message_id=second_id, sender="b@example.test"))
    assert first.ticket_id != second.ticket_id and second.state == InboundState.PROCESSED
    threading = f"In-Reply-To: {second_id}\r\nReferences: {first_id} {second_id}\r\n"
    reply = ingest(build_email("reply", subject="Re: Second", headers=threading, sender="b@example.test"))
    assert reply.ticket_id == second.ticket_id  # the newest id it answers, compared whole
    again = ingest(build_email("first", message_id=first_id, headers="X-Relay: 2\r\n"))
    assert again.state == InboundState.DUPLICATE
    # Our reply's In-Reply-To carries the customer's whole id, not a cut one.
    actions.do_reply(second.ticket, "On its way.", actor=people.agent)
    outbound = OutboundEmail.objects.get(ticket=second.ticket)
    assert outbound.in_reply_to == reply.message_id  # the customer's newest email
    assert outbound.references.split()[0] == second_id


@pytest.mark.django_db
def test_a_message_id_too_long_for_a_header_line_is_not_echoed_in_our_reply(people):
    huge_id = "<" + "m" * 5000 + "@example.test>"
    inbound = ingest_module.process_inbound(
        ingest_module.store_raw(build_email("huge_id", message_id=huge_id), source="pipe")[0].pk
    )
    assert inbound.ticket_message.email_message_id == huge_id  # kept whole for threading
    actions.do_reply(inbound.ticket, "Looking into it.", actor=people.agent)
    outbound = OutboundEmail.objects.get(ticket=inbound.ticket)
    assert outbound.in_reply_to == "" and huge_id not in outbound.references
    assert outbound.reply_to  # the reply still finds its ticket by the signed address


@pytest.mark.django_db
def test_a_reply_goes_to_at_most_the_recipient_limit(people, settings):
    from tests.mail.mailfactory import raw_email

    settings.MAIL_MAX_RECIPIENTS = 10
    cc = ", ".join(f"cc{i}@example.test" for i in range(30))
    inbound = ingest_module.process_inbound(ingest_module.store_raw(raw_email(cc=cc), source="pipe")[0].pk)
    ticket = inbound.ticket
    assert ticket.followers.count() == 30  # under MAIL_MAX_CC_FOLLOWERS (50)
    actions.do_reply(ticket, "We are on it.", actor=people.agent)
    outbound = OutboundEmail.objects.get(ticket=ticket)
    assert outbound.to == ["dana@example.test"]
    assert outbound.cc == [f"cc{i}@example.test" for i in range(9)]  # the earliest followers, 10 in all


# ---------------------------------------------------------------- API: HTML refused, not cleaned for a minute


@pytest.mark.django_db
def test_the_api_refuses_html_nested_too_deeply_with_the_field_and_the_reason(people, client):
    from tests.api.conftest import token_for

    headers = {"Authorization": f"Bearer {token_for(people.agent)}"}
    body = {
        "customer_email": "a@b.test",
        "subject": "Hi",
        "body": "x",
        "html": "<div>" * 90_000 + "</div>" * 90_000,
    }
    response = client.post(
        "/api/v1/tickets", json.dumps(body), content_type="application/json", headers=headers
    )
    assert response.status_code == 422, response.content[:300]
    errors = {e["field"]: e["reason"] for e in response.json()["errors"]}
    assert "nested" in errors["html"].lower() and str(MAX_HTML_DEPTH) in errors["html"]
    assert not Ticket.objects.exists()
    body["html"] = "<div>" * MAX_HTML_DEPTH + "fine" + "</div>" * MAX_HTML_DEPTH
    ok = client.post("/api/v1/tickets", json.dumps(body), content_type="application/json", headers=headers)
    assert ok.status_code == 201, ok.content[:300]
    assert html_depth(Ticket.objects.get().messages.get().body_html) == MAX_HTML_DEPTH


# ---------------------------------------------------------------- the MTA pipe: real processes

PIPE_ALL = """
import glob, json, os, sys, traceback
import django
django.setup()
from django.core.management import execute_from_command_line
from django.db import connections

codes = {}
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.eml"))):
    connections.close_all()  # the child opens its own connection, as a fresh process would
    pid = os.fork()
    if pid == 0:  # one process per message, as the MTA runs it: stdin the message, its own exit code
        os.dup2(os.open(path, os.O_RDONLY), 0)
        os.dup2(os.open(path + ".err", os.O_WRONLY | os.O_CREAT | os.O_TRUNC), 2)
        os.dup2(os.open(path + ".out", os.O_WRONLY | os.O_CREAT | os.O_TRUNC), 1)
        code = 0
        try:
            execute_from_command_line(["anchordesk", "ingest_email"])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except BaseException:
            traceback.print_exc()  # what the interpreter does with an uncaught exception
            code = 1
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    codes[os.path.basename(path)[:-4]] = os.waitstatus_to_exitcode(status)
print(json.dumps(codes))
"""

OUTCOMES = """
import json
from anchordesk.mail.models import InboundEmail
from anchordesk.tickets.models import Follower
out = {}
for row in InboundEmail.objects.select_related("ticket_message"):
    m = row.ticket_message
    out[str(row.pk)] = {
        "state": row.state, "reason": row.reason, "body": len(m.body_text) if m else None,
        "followers": Follower.objects.filter(ticket_id=row.ticket_id).count() if row.ticket_id else 0,
        "attachments": m.attachments.count() if m else 0, "html": m.body_html if m else "",
    }
print(json.dumps(out))
"""


def _env(tmp_path: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="anchordesk.settings",
        ANCHORDESK_DATA_DIR=str(tmp_path / "data"),
        DATABASE_URL=database_url,
        ANCHORDESK_MANIFEST_STATIC="0",
        MAIL_LOOP_LIMIT="100000",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(Path(__file__).resolve().parents[2]),
    )
    return env


def _run(env: dict[str, str], *args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "anchordesk", *args], env=env, input=stdin, capture_output=True, timeout=600
    )


def test_the_pipe_takes_every_hostile_email_with_sysexits_codes_and_no_traceback(tmp_path):
    cases = hostile_corpus()
    folder = tmp_path / "mail"
    folder.mkdir()
    for case in cases:
        (folder / f"{case.name}.eml").write_bytes(case.raw)
    with scratch_database_url(str(tmp_path)) as database_url:
        env = _env(tmp_path, database_url)
        assert _run(env, "migrate", "--noinput").returncode == 0
        # The NUL message exactly as Postfix runs the pipe: a fresh interpreter.
        nul = _run(env, "ingest_email", stdin=next(c.raw for c in cases if c.name == "nul_base64_body"))
        assert nul.returncode == 0 and b"Traceback" not in nul.stderr, nul.stderr[-2000:]
        assert nul.stdout.decode().split()[-1] == "processed"
        empty = _run(env, "ingest_email", stdin=b"   \n")
        assert empty.returncode == 65 and b"Traceback" not in empty.stderr
        # Then the whole corpus, one process per message (forked from a warm interpreter).
        done = subprocess.run(
            [sys.executable, "-c", PIPE_ALL, str(folder)], env=env, capture_output=True, timeout=900
        )
        assert done.returncode == 0, done.stderr[-3000:]
        codes = json.loads(done.stdout.decode().strip().splitlines()[-1])
        assert codes == {case.name: 0 for case in cases}, {k: v for k, v in codes.items() if v}
        tracebacks = [c.name for c in cases if b"Traceback" in (folder / f"{c.name}.eml.err").read_bytes()]
        assert tracebacks == []
        outcomes = json.loads(_run(env, "shell", "-c", OUTCOMES).stdout.decode().strip().splitlines()[-1])
        states = [o["state"] for o in outcomes.values()]
        # nul_base64_body went twice (bytes identical: stored once); the rest once each.
        assert len(outcomes) == len(cases)
        assert states.count("quarantined") == sum(c.outcome == "quarantined" for c in cases)
        assert states.count("duplicate") == sum(c.outcome == "duplicate" for c in cases)
        assert all(o["reason"] for o in outcomes.values() if o["state"] != "processed")
        assert max(o["followers"] for o in outcomes.values()) == 50
        assert max(o["attachments"] for o in outcomes.values()) == 10
        assert max(o["body"] or 0 for o in outcomes.values()) <= MAX_BODY
        assert max(html_depth(o["html"]) for o in outcomes.values()) <= MAX_HTML_DEPTH
        # The sweep finds nothing stuck and exits 0.
        sweep = _run(env, "mail_sweep")
        assert sweep.returncode == 0 and b"Traceback" not in sweep.stderr, sweep.stderr[-2000:]


def test_the_pipe_and_the_sweep_say_try_again_later_when_the_database_is_away(tmp_path):
    env = _env(tmp_path, "postgres://postgres@127.0.0.1:1/nowhere")  # nothing listens on port 1
    away = _run(env, "ingest_email", stdin=hostile_corpus()[0].raw)
    assert away.returncode == 75, away.stderr[-2000:]
    assert b"Traceback" not in away.stderr and b"could not store the message" in away.stderr
    sweep = _run(env, "mail_sweep")
    assert sweep.returncode == 75 and b"Traceback" not in sweep.stderr, sweep.stderr[-2000:]


# ---------------------------------------------------------------- IMAP: real Dovecot


def _imap_box(dovecot: Any) -> Mailbox:
    from anchordesk.mail.models import Security

    return Mailbox.objects.create(
        name="Support",
        address=dovecot.user,
        host=dovecot.host,
        port=dovecot.port,
        security=Security.PLAIN,
        username=dovecot.user,
        password=dovecot.password,
    )


def _imap_client(dovecot: Any) -> Any:
    from imapclient import IMAPClient

    client = IMAPClient(dovecot.host, port=dovecot.port, ssl=False)
    client.login(dovecot.user, dovecot.password)
    return client


@pytest.mark.django_db(transaction=True)
def test_an_imap_poll_of_hostile_mail_routes_and_flags_every_message(dovecot):
    from anchordesk.mail.imap import PROCESSED_FLAG, poll_mailbox

    # IMAP literals cannot carry raw NUL bytes (without the BINARY extension): those reach a
    # mailbox encoded (the base64 and encoded-word cases), so the raw ones are left out here.
    cases = [c for c in hostile_corpus() if b"\x00" not in c.raw]
    with _imap_client(dovecot) as client:
        for case in cases:
            client.append("INBOX", case.raw)
    result = poll_mailbox(_imap_box(dovecot))
    assert result.fetched == len(cases) and result.stored == len(cases)
    with _imap_client(dovecot) as client:
        client.select_folder("INBOX")
        flags = client.get_flags(client.search("ALL"))
        assert len(flags) == len(cases) and all(PROCESSED_FLAG in f for f in flags.values())
    # The server may rewrite line ends, so each stored message is found by the case name it carries.
    by_case = {}
    for row in InboundEmail.objects.select_related("ticket_message"):
        found = re.search(rb"X-Hostile-Case: (\w+)", bytes(row.raw))
        assert found is not None
        by_case[found.group(1).decode()] = row
    rows = {case.name: by_case[case.name] for case in cases}
    assert_outcomes(rows, cases)


@pytest.mark.django_db(transaction=True)
def test_a_polled_batch_is_flagged_even_when_routing_it_fails_and_the_sweep_finishes_it(dovecot, monkeypatch):
    from django.db import OperationalError

    from anchordesk.mail import imap
    from anchordesk.mail.imap import PROCESSED_FLAG, poll_mailbox
    from tests.mail.mailfactory import raw_email

    with _imap_client(dovecot) as client:
        for i in range(3):
            client.append("INBOX", raw_email(subject=f"Question {i}", sender=f"c{i}@example.test"))

    def database_gone(ids: Any) -> None:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(imap, "process_batch", database_gone)
    box = _imap_box(dovecot)
    assert poll_mailbox(box).stored == 3
    with _imap_client(dovecot) as client:  # stored and committed, so flagged: not fetched again and again
        client.select_folder("INBOX")
        assert all(PROCESSED_FLAG in f for f in client.get_flags(client.search("ALL")).values())
    assert InboundEmail.objects.filter(state=InboundState.PENDING).count() == 3
    monkeypatch.undo()
    process_batch(ingest_module.pending_ids(older_than_seconds=0))  # the sweep
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == [f"Question {i}" for i in range(3)]
    assert poll_mailbox(box).fetched == 0
