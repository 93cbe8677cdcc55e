"""Fill a database with a large, realistic help desk, fast, for the benchmarks.

    python bench/generate.py --tickets 100000 [--messages-per-ticket 3] [--database-url URL]
                             [--data-dir DIR] [--recreate] [--seed 1]

Defaults: SQLite in /tmp/bench-sqlite (ANCHORDESK_DATA_DIR). With a postgres:// URL the
database is created if missing (and dropped first with --recreate).

It bypasses the actions on purpose: a million tickets through do_create_ticket would take
hours. Rows are written in batches (executemany on SQLite, COPY on PostgreSQL) with the
secondary indexes, search triggers (SQLite) and foreign-key triggers (PostgreSQL) off, then
the indexes are rebuilt once, which is far cheaper than maintaining them row by row.

The shape follows a real help desk: 10 teams, 50 agents, 20,000 customers (80% in 500
organizations), tickets spread over --days with most of them solved and closed, an active
backlog of recent and long-running tickets, skewed priorities, channels, tags and
customers, and message text drawn from support phrases, product names, order numbers and
a list of rare words (so a search for a common word and for a rare one both mean something).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from anchordesk.demo import content as demo_content  # noqa: E402 - plain data, no Django needed

DEFAULT_DATA_DIR = "/tmp/bench-sqlite"
PASSWORD = "bench-password-1"
AGENT_EMAIL = "agent01@bench.anchordesk.test"  # the agent the benchmarks sign in as

TEAMS = [  # name, kind, share of tickets
    ("Support", "support", 30),
    ("Support EU", "support", 15),
    ("Support US", "support", 15),
    ("Billing", "billing", 12),
    ("Returns", "support", 8),
    ("Onboarding", "support", 5),
    ("Enterprise", "support", 5),
    ("Engineering", "engineering", 5),
    ("Network", "network", 3),
    ("Marketing", "marketing", 2),
]
PRODUCTS = [
    "Aurora router",
    "Nimbus mesh kit",
    "Harbor NAS",
    "Pebble smart plug",
    "Quill tablet",
    "Summit laptop",
    "Drift earbuds",
    "Beacon doorbell",
    "Lumen desk lamp",
    "Atlas backup plan",
    "Orbit phone case",
    "Cobalt keyboard",
    "Fjord monitor",
    "Meadow thermostat",
    "Vesper camera",
    "Tidal speaker",
    "Granite power bank",
    "Sparrow e-reader",
    "Helix charger",
    "Canyon webcam",
    "Premium subscription",
    "Family plan",
    "Business plan",
    "fibre connection",
    "annual licence",
    "gift card",
    "extended warranty",
    "installation visit",
    "trade-in credit",
    "student discount",
]
SUBJECTS = [
    "{p} not working",
    "Problem with my {p}",
    "Refund for {p}",
    "Where is my {p}?",
    "{p} arrived damaged",
    "Charged twice for {p}",
    "Cannot log in after buying {p}",
    "Question about {p}",
    "Cancel my {p}",
    "{p} keeps disconnecting",
    "Wrong item instead of {p}",
    "Invoice for {p}",
    "Upgrade {p}",
    "{p} stopped charging",
    "Return label for {p}",
    "Help setting up {p}",
    "{p} missing parts",
    "Discount not applied to {p}",
    "URGENT: {p} down",
    "Complaint about {p}",
    "Warranty claim {p}",
    "{p} delivery delayed",
    "Change address for {p}",
    "{p} makes a noise",
    "Password reset for {p} account",
    "Still waiting on {p} replacement",
]
CUSTOMER_SENTENCES = [
    "Hello, I bought the {p} last week and it has not worked since the first day.",
    "I have tried restarting it several times but nothing changes.",
    "Could you please tell me when my {p} will be delivered?",
    "The tracking page has said out for delivery for four days now.",
    "I was charged twice for the {p} and I would like a refund for the duplicate payment.",
    "This is the third time I am writing about this and nobody has answered me.",
    "I am really disappointed, I expected much better from your company.",
    "The box was crushed and the {p} inside has a cracked screen.",
    "Can I return the {p} even though I opened the packaging?",
    "My invoice shows the wrong address, can you correct it?",
    "I cannot sign in to my account, the reset email never arrives.",
    "The {p} disconnects every evening around eight.",
    "I followed the setup guide step by step and the light just keeps blinking orange.",
    "Please cancel my order, I found it cheaper elsewhere.",
    "Is there any discount for upgrading from my old {p}?",
    "I need this fixed before Friday because I travel for work.",
    "Your chat agent promised me a callback yesterday and nobody called.",
    "Thank you for the quick help last time, it worked perfectly.",
    "I would like to speak to a manager about this.",
    "WHY IS THIS STILL NOT FIXED???",
    "The refund has not reached my bank account yet.",
    "I attached a photo of the serial number label.",
    "Could you send me a return label by email?",
    "The replacement {p} has exactly the same problem.",
    "My elderly father uses the {p} and he cannot work out the new menu.",
    "I changed my plan but I am still billed at the old price.",
    "The app says the {p} is offline although it is plugged in.",
    "I am not sure which model I have, how can I check?",
    "We have twenty employees affected by this outage.",
    "Honestly I am about to cancel everything and go to a competitor.",
]
REPLY_SENTENCES = [
    "Thank you for getting in touch and for your patience.",
    "I am sorry about the trouble with your {p}.",
    "I have checked your order and I can see what went wrong.",
    "I have issued a refund for the duplicate charge; it usually reaches your account in three to five working days.",
    "Could you send me the serial number from the label under the {p}?",
    "I have arranged a replacement {p}, which will ship tomorrow.",
    "Please try holding the reset button for ten seconds and let me know what the light does.",
    "I have passed this to our engineering team and will update you by Thursday.",
    "You are right, we should have answered sooner, and I apologize.",
    "I have corrected the address on your invoice and attached the new copy.",
    "I have sent a prepaid return label to your email address.",
    "Your account password reset link should arrive within a few minutes now.",
    "I will call you tomorrow morning between nine and ten to go through the setup.",
    "I have applied the discount to your {p}; you will see it on your next bill.",
    "Is there anything else I can help you with?",
    "I have escalated this to my team lead, who will contact you today.",
    "The outage in your area has been fixed; please restart your {p}.",
    "I have extended your warranty by three months as a goodwill gesture.",
]
NOTE_SENTENCES = [
    "Customer is upset, third contact about the same {p} issue.",
    "Checked the payment logs: two captures on the same card.",
    "Asked engineering about the firmware bug on the {p}.",
    "Promised a callback tomorrow morning.",
    "Billing confirmed the refund went out today.",
    "Possible duplicate of an older ticket from the same customer.",
]
TAGS = [
    "refund",
    "delivery",
    "billing",
    "bug",
    "login",
    "damaged",
    "return",
    "warranty",
    "vip",
    "outage",
    "setup",
    "cancellation",
    "invoice",
    "upgrade",
    "complaint",
    "feedback",
    "firmware",
    "address-change",
    "duplicate-charge",
    "replacement",
    "callback",
    "escalated",
    "promise",
    "mistake",
    "discount",
    "student",
    "business",
    "enterprise",
    "trade-in",
    "gift-card",
    "password",
    "noise",
    "battery",
    "wifi",
    "app",
    "account",
    "shipping",
    "customs",
    "urgent",
    "follow-up",
]
# Names are the demo's: one list of realistic people for demo data and benchmarks alike.
FIRST_NAMES, LAST_NAMES = demo_content.FIRST_NAMES, demo_content.LAST_NAMES
ORG_SUFFIXES = ["Ltd", "GmbH", "Inc", "Group", "Studio", "Partners", "Labs", "Foods", "Logistics", "Clinic"]

# A search for this word matches a large share of the messages ("refund" is in several phrases).
COMMON_WORD = "refund"


def rare_words(count: int = 2000) -> list[str]:
    """Made-up words, each put into about 1 message in 100,000: a search for one finds a handful."""
    rng = random.Random(20260)
    consonants, vowels = "bdfgklmnprstvz", "aeiou"
    words: list[str] = []
    seen: set[str] = set()
    while len(words) < count:
        word = "".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(3)) + rng.choice("nrsx")
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


RARE_WORDS = rare_words()
RARE_WORD_RATE = 0.02  # share of messages carrying one rare word


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tickets", type=int, default=100_000)
    p.add_argument("--messages-per-ticket", type=int, default=3)
    p.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    p.add_argument("--data-dir", default=os.environ.get("ANCHORDESK_DATA_DIR", DEFAULT_DATA_DIR))
    p.add_argument("--days", type=int, default=730, help="spread the tickets over this many days")
    p.add_argument("--customers", type=int, default=20_000)
    p.add_argument("--agents", type=int, default=50)
    p.add_argument("--batch", type=int, default=10_000, help="tickets per batch")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--recreate", action="store_true", help="start from an empty database")
    p.add_argument("--analyze", action="store_true", help="also run ANALYZE on SQLite (PostgreSQL always)")
    p.add_argument("--quiet", action="store_true")
    return p.parse_args(argv)


# ----------------------------------------------------------------------------- database setup


def _pg_admin_conninfo(url: str) -> tuple[str, str]:
    parsed = urlparse(url)
    name = unquote(parsed.path.lstrip("/"))
    parts = [f"dbname=postgres host={parsed.hostname or '127.0.0.1'} port={parsed.port or 5432}"]
    if parsed.username:
        parts.append(f"user={unquote(parsed.username)}")
    if parsed.password:
        parts.append(f"password={unquote(parsed.password)}")
    return " ".join(parts), name


def prepare_database(database_url: str, data_dir: str, *, recreate: bool) -> None:
    """Create (or drop and create) the target database before Django connects to it."""
    if database_url.startswith(("postgres://", "postgresql://", "pgsql://")):
        import psycopg
        from psycopg import sql

        conninfo, name = _pg_admin_conninfo(database_url)
        with psycopg.connect(conninfo, autocommit=True) as admin:
            exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if exists and recreate:
                admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
                exists = None
            if not exists:
                admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    elif recreate:
        db_path = _sqlite_path(database_url, data_dir)
        for suffix in ("", "-wal", "-shm"):
            Path(str(db_path) + suffix).unlink(missing_ok=True)


def _sqlite_path(database_url: str, data_dir: str) -> Path:
    if database_url.startswith("sqlite:"):
        path = unquote(urlparse(database_url).path)
        return Path(path[1:] if path.startswith("//") else path)
    return Path(data_dir) / "anchordesk.sqlite3"


def setup_django(database_url: str, data_dir: str) -> None:
    os.environ["ANCHORDESK_DATA_DIR"] = data_dir
    Path(data_dir, "static").mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing folder
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anchordesk.settings")
    os.environ.setdefault("ANCHORDESK_MANIFEST_STATIC", "0")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()


# ----------------------------------------------------------------------------- bulk writing


class Loader:
    """Writes rows to one table at a time, the fastest way each database offers."""

    def __init__(self) -> None:
        from django.db import connection

        connection.ensure_connection()
        self.connection = connection
        self.vendor = connection.vendor
        self.raw: Any = connection.connection
        self._saved_indexes: list[tuple[str, str]] = []

    def ts(self, epoch: float) -> str:
        text = datetime.fromtimestamp(epoch, UTC).isoformat(sep=" ", timespec="microseconds")
        return text[:26] if self.vendor == "sqlite" else text

    def bool(self, value: bool) -> Any:
        return int(value) if self.vendor == "sqlite" else value

    def insert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        cols = ", ".join(f'"{c}"' for c in columns)
        if self.vendor == "sqlite":
            marks = ", ".join("?" * len(columns))
            self.raw.executemany(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', rows)
        else:
            with self.raw.cursor() as cur, cur.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)

    def begin_bulk(self, tables: Sequence[str]) -> None:
        """Drop secondary indexes (and the SQLite search triggers) until end_bulk."""
        with self.connection.cursor() as cur:
            if self.vendor == "sqlite":
                for stmt in (
                    "PRAGMA synchronous=OFF",
                    "PRAGMA cache_size=-400000",
                    "PRAGMA temp_store=MEMORY",
                ):
                    cur.execute(stmt)
                for table in tables:
                    cur.execute(
                        "SELECT name, sql FROM sqlite_master WHERE type='index' AND tbl_name=%s AND sql IS NOT NULL",
                        [table],
                    )
                    self._saved_indexes += [(n, s) for n, s in cur.fetchall()]
                from anchordesk.tickets.search import SQLITE_TEARDOWN

                for stmt in SQLITE_TEARDOWN:
                    if stmt.startswith("DROP TRIGGER"):
                        cur.execute(stmt)
            else:
                for table in tables:
                    cur.execute(
                        """SELECT indexname, indexdef FROM pg_indexes i WHERE schemaname = current_schema()
                           AND tablename = %s
                           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""",
                        [table],
                    )
                    self._saved_indexes += cur.fetchall()
                # Rows are consistent by construction: skip the per-row foreign-key triggers.
                cur.execute("SET session_replication_role = replica")
            for name, _ in self._saved_indexes:
                cur.execute(f'DROP INDEX "{name}"')

    def end_bulk(self, tables: Sequence[str], *, analyze: bool, log: Callable[[str], None]) -> None:
        from anchordesk.tickets import search

        with self.connection.cursor() as cur:
            if self.vendor == "postgresql":
                cur.execute("SET session_replication_role = DEFAULT")
                cur.execute("SET maintenance_work_mem = '1GB'")
            started = time.monotonic()
            for _, ddl in self._saved_indexes:
                cur.execute(ddl)
            log(f"indexes rebuilt in {time.monotonic() - started:.1f}s")
            self._saved_indexes = []
            started = time.monotonic()
            if self.vendor == "sqlite":
                search.rebuild_index()
                for stmt in search.setup_statements("sqlite"):
                    cur.execute(stmt)
                log(f"search index rebuilt in {time.monotonic() - started:.1f}s")
                if analyze:
                    cur.execute("ANALYZE")
                cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                cur.execute("PRAGMA synchronous=NORMAL")
            else:
                for table in tables:
                    cur.execute(
                        f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                        f'COALESCE((SELECT MAX(id) FROM "{table}"), 1))'
                    )
                cur.execute("ANALYZE")  # all tables: the small ones were bulk-created too
                log(f"sequences reset and tables analyzed in {time.monotonic() - started:.1f}s")


def _defaults(model: Any, given: Sequence[str], loader: Loader) -> tuple[list[str], tuple[Any, ...]]:
    """Columns the generator does not set itself, with their default values (new fields keep working)."""
    from django.db import models

    columns: list[str] = []
    values: list[Any] = []
    for f in model._meta.concrete_fields:
        if f.column in given:
            continue
        value = f.get_default() if f.has_default() or not f.null else None
        if isinstance(f, models.JSONField):
            value = json.dumps(value)
        elif isinstance(f, models.BooleanField):
            value = loader.bool(bool(value))
        elif isinstance(value, datetime):
            value = loader.ts(value.timestamp())
        columns.append(f.column)
        values.append(value)
    return columns, tuple(values)


@contextmanager
def _atomic(loader: Loader) -> Iterator[None]:
    from django.db import transaction

    with transaction.atomic():
        yield


# ----------------------------------------------------------------------------- the people


class People:
    def __init__(self) -> None:
        self.team_ids: list[int] = []
        self.team_weights: list[int] = []
        self.members: dict[int, list[int]] = {}
        self.agent_ids: list[int] = []
        self.customer_ids: list[int] = []
        self.customer_cum: list[float] = []
        self.tag_ids: list[int] = []
        self.tag_cum: list[float] = []


def make_people(rng: random.Random, *, customers: int, agents: int) -> People:
    from django.contrib.auth.hashers import make_password

    from anchordesk.accounts.models import Customer, Organization, Team, User
    from anchordesk.tickets.models import Tag

    people = People()
    teams = Team.objects.bulk_create([Team(name=n, kind=k) for n, k, _ in TEAMS])
    people.team_ids = [t.pk for t in teams]
    people.team_weights = [w for _, _, w in TEAMS]
    password = make_password(PASSWORD)
    users = []
    for i in range(1, agents + 1):
        role = "admin" if i > agents - 3 else "lead" if i > agents - 10 else "agent"
        first, last = FIRST_NAMES[i % len(FIRST_NAMES)], LAST_NAMES[(i * 7) % len(LAST_NAMES)]
        email = f"{'agent' if role == 'agent' else role}{i:02d}@bench.anchordesk.test"
        users.append(
            User(
                username=email,
                email=email,
                password=password,
                role=role,
                first_name=first,
                last_name=last,
                is_staff=role == "admin",
            )
        )
    users = User.objects.bulk_create(users)
    people.agent_ids = [u.pk for u in users]
    through = User.teams.through
    links = []
    for n, user in enumerate(users):
        # Most agents work in the support teams; a few belong to two teams.
        homes = {teams[n % len(teams)].pk}
        if rng.random() < 0.3:
            homes.add(teams[rng.randrange(len(teams))].pk)
        for team_id in homes:
            links.append(through(user_id=user.pk, team_id=team_id))
            people.members.setdefault(team_id, []).append(user.pk)
    through.objects.bulk_create(links)

    n_orgs = max(3, customers // 40)
    orgs = Organization.objects.bulk_create(
        [
            Organization(
                name=f"{LAST_NAMES[i % len(LAST_NAMES)]} {ORG_SUFFIXES[i % len(ORG_SUFFIXES)]} {i}",
                domain=f"org{i}.example",
                tier=rng.choices(["standard", "premium", "enterprise"], [80, 15, 5])[0],
            )
            for i in range(n_orgs)
        ]
    )
    rows = []
    for i in range(customers):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        org = orgs[rng.randrange(n_orgs)] if rng.random() < 0.8 else None
        domain = org.domain if org else "mail.example"
        rows.append(
            Customer(
                email=f"{first.lower()}.{last.lower()}{i}@{domain}", name=f"{first} {last}", organization=org
            )
        )
    created = Customer.objects.bulk_create(rows, batch_size=5000)
    people.customer_ids = [c.pk for c in created]
    # A few customers write very often, most write once or twice (a long tail).
    weights = [1.0 / (1 + (i % 997)) ** 0.6 for i in range(customers)]
    people.customer_cum = _cumulative(weights)
    tags = Tag.objects.bulk_create([Tag(name=t) for t in TAGS])
    people.tag_ids = [t.pk for t in tags]
    people.tag_cum = _cumulative([1.0 / (1 + i) for i in range(len(tags))])
    return people


def _cumulative(weights: Sequence[float]) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out


# ----------------------------------------------------------------------------- tickets


ACTIVE = ("open", "pending", "on_hold")


class Generator:
    def __init__(self, rng: random.Random, people: People, loader: Loader, args: argparse.Namespace) -> None:
        from anchordesk.core.models import AuditEvent
        from anchordesk.tickets.models import Message, Ticket

        self.rng = rng
        self.people = people
        self.loader = loader
        self.per_ticket = max(1, args.messages_per_ticket)
        self.n = args.tickets
        self.now = time.time()
        self.start = self.now - args.days * 86400
        self.step = (self.now - 600 - self.start) / max(1, self.n)
        self.subjects = [s.format(p=p) for s in SUBJECTS for p in PRODUCTS]
        self.customer_text = [s.format(p=p) for s in CUSTOMER_SENTENCES for p in PRODUCTS]
        self.reply_text = [s.format(p=p) for s in REPLY_SENTENCES for p in PRODUCTS]
        self.note_text = [s.format(p=p) for s in NOTE_SENTENCES for p in PRODUCTS]
        self.ticket_cols = [
            "id",
            "subject",
            "status",
            "priority",
            "channel",
            "first_response_at",
            "solved_at",
            "last_customer_message_at",
            "message_count",
            "created_at",
            "updated_at",
            "assignee_id",
            "customer_id",
            "team_id",
        ]
        self.message_cols = [
            "id",
            "ticket_id",
            "kind",
            "author_id",
            "customer_id",
            "channel",
            "body_text",
            "created_at",
        ]
        self.event_cols = [
            "id",
            "ticket_id",
            "actor_customer_id",
            "kind",
            "object_type",
            "object_id",
            "after",
            "created_at",
        ]
        self.ticket_extra_cols, self.ticket_extra = _defaults(Ticket, self.ticket_cols, loader)
        self.message_extra_cols, self.message_extra = _defaults(Message, self.message_cols, loader)
        self.event_extra_cols, self.event_extra = _defaults(AuditEvent, self.event_cols, loader)
        self.next_message_id = _next_id(Message)
        self.next_event_id = _next_id(AuditEvent)
        self.next_tag_link_id = _next_id(Ticket.tags.through)

    def _message_text(self, kind: str) -> str:
        rng = self.rng
        if kind == "customer":
            parts = rng.choices(self.customer_text, k=rng.randint(2, 4))
            if rng.random() < 0.5:
                parts.append(f"My order number is {rng.randrange(1_000_000, 9_999_999)}.")
            parts.insert(0, rng.choice(("Hello,", "Hi,", "Hi there,", "Dear support,", "Good morning,")))
            parts.append(rng.choice(("Thanks", "Regards", "Thank you", "Cheers", "Please help")))
        elif kind == "reply":
            parts = ["Hello,", *rng.choices(self.reply_text, k=rng.randint(2, 4)), "Kind regards"]
        else:
            parts = rng.choices(self.note_text, k=rng.randint(1, 2))
        if rng.random() < RARE_WORD_RATE:
            parts.insert(rng.randint(0, len(parts)), rng.choice(RARE_WORDS))
        return " ".join(parts)

    def batch(self, first_id: int, count: int) -> dict[str, list[tuple[Any, ...]]]:
        rng, people, ts = self.rng, self.people, self.loader.ts
        tickets, messages, events, tag_links = [], [], [], []
        for ticket_id in range(first_id, first_id + count):
            created = self.start + (ticket_id - 1 + rng.random() * 0.9) * self.step
            age = self.now - created
            kind = rng.random()
            # Most tickets are solved within a day or two, some take weeks, a few stay open for good.
            resolve = (
                float("inf")
                if kind < 0.01
                else rng.expovariate(1 / (15 * 86400))
                if kind < 0.06
                else rng.expovariate(1 / (30 * 3600))
            )
            if resolve + 4 * 86400 < age and rng.random() < 0.97:
                status, updated = "closed", created + resolve + 4 * 86400
                solved_at: float | None = created + resolve
            elif resolve < age:
                status, solved_at = "solved", created + resolve
                updated = solved_at
            else:
                solved_at = None
                updated = self.now - age * rng.random() ** 3
                status = (
                    "new" if age < 8 * 3600 and rng.random() < 0.6 else rng.choices(ACTIVE, (45, 35, 20))[0]
                )
            team_id = rng.choices(people.team_ids, people.team_weights)[0] if rng.random() < 0.92 else None
            assignee_id = None
            if status != "new" and rng.random() < 0.95:
                pool = people.members.get(team_id) if team_id else None
                assignee_id = rng.choice(pool or people.agent_ids)
            customer_id = people.customer_ids[
                _bisect(people.customer_cum, rng.random() * people.customer_cum[-1])
            ]
            channel = rng.choices(("email", "web", "phone", "api"), (60, 25, 10, 5))[0]
            first_response = last_customer = None
            span = max(1.0, updated - created)
            author = assignee_id or rng.choice(people.agent_ids)
            for j in range(self.per_ticket):
                at = created + span * (j / self.per_ticket) if j else created
                if j == 0 or status == "new" or j % 2 == 0:
                    kind_ = "customer"
                else:
                    kind_ = "note" if rng.random() < 0.1 else "reply"
                if kind_ == "customer":
                    last_customer = at
                elif kind_ == "reply" and first_response is None:
                    first_response = at
                messages.append(
                    (
                        self.next_message_id,
                        ticket_id,
                        kind_,
                        None if kind_ == "customer" else author,
                        customer_id if kind_ == "customer" else None,
                        channel,
                        self._message_text(kind_),
                        ts(at),
                        *self.message_extra,
                    )
                )
                self.next_message_id += 1
            tickets.append(
                (
                    ticket_id,
                    rng.choice(self.subjects),
                    status,
                    rng.choices((1, 2, 3, 4), (15, 60, 20, 5))[0],
                    channel,
                    ts(first_response) if first_response else None,
                    ts(solved_at) if solved_at else None,
                    ts(last_customer) if last_customer else None,
                    self.per_ticket,
                    ts(created),
                    ts(updated),
                    assignee_id,
                    customer_id,
                    team_id,
                    *self.ticket_extra,
                )
            )
            events.append(
                (
                    self.next_event_id,
                    ticket_id,
                    customer_id,
                    "ticket.created",
                    "ticket",
                    ticket_id,
                    json.dumps({"subject": "", "channel": channel, "priority": 2}),
                    ts(created),
                    *self.event_extra,
                )
            )
            self.next_event_id += 1
            n_tags = rng.choices((0, 1, 2, 3), (40, 35, 20, 5))[0]
            if n_tags:
                chosen = {
                    people.tag_ids[_bisect(people.tag_cum, rng.random() * people.tag_cum[-1])]
                    for _ in range(n_tags)
                }
                for tag_id in sorted(chosen):
                    tag_links.append((self.next_tag_link_id, ticket_id, tag_id))
                    self.next_tag_link_id += 1
        return {
            "tickets_ticket": tickets,
            "tickets_message": messages,
            "core_auditevent": events,
            "tickets_ticket_tags": tag_links,
        }

    def columns(self) -> dict[str, list[str]]:
        return {
            "tickets_ticket": self.ticket_cols + self.ticket_extra_cols,
            "tickets_message": self.message_cols + self.message_extra_cols,
            "core_auditevent": self.event_cols + self.event_extra_cols,
            "tickets_ticket_tags": ["id", "ticket_id", "tag_id"],
        }


def _next_id(model: Any) -> int:
    from django.db.models import Max

    return int(model.objects.aggregate(m=Max("id"))["m"] or 0) + 1


def _bisect(cum: list[float], x: float) -> int:
    from bisect import bisect_left

    return min(bisect_left(cum, x), len(cum) - 1)


# ----------------------------------------------------------------------------- main


def generate(args: argparse.Namespace) -> dict[str, float]:
    log: Callable[[str], None] = (lambda _m: None) if args.quiet else (lambda m: print(m, flush=True))
    started = time.monotonic()
    prepare_database(args.database_url, args.data_dir, recreate=args.recreate)
    setup_django(args.database_url, args.data_dir)
    from django.core.management import call_command

    from anchordesk.tickets.models import Ticket

    call_command("migrate", verbosity=0, interactive=False)
    existing = Ticket.objects.count()
    if existing:
        raise SystemExit(f"The database already has {existing} tickets; pass --recreate to start over.")
    rng = random.Random(args.seed)
    loader = Loader()
    people = make_people(rng, customers=min(args.customers, max(20, args.tickets // 5)), agents=args.agents)
    gen = Generator(rng, people, loader, args)
    tables = ["tickets_ticket", "tickets_message", "core_auditevent", "tickets_ticket_tags"]
    columns = gen.columns()
    loader.begin_bulk(tables)
    load_started = time.monotonic()
    try:
        done = 0
        while done < args.tickets:
            count = min(args.batch, args.tickets - done)
            rows = gen.batch(done + 1, count)
            with _atomic(loader):
                for table in tables:
                    loader.insert(table, columns[table], rows[table])
            done += count
            if done % (args.batch * 10) == 0 or done == args.tickets:
                elapsed = time.monotonic() - load_started
                log(f"{done:>9,} tickets  {elapsed:7.1f}s  ({done / elapsed:,.0f} tickets/s)")
    finally:
        rows_done = time.monotonic()
        loader.end_bulk(tables, analyze=args.analyze, log=log)
    total = time.monotonic() - started
    result = {
        "tickets": args.tickets,
        "messages": args.tickets * gen.per_ticket,
        "rows_seconds": round(rows_done - load_started, 1),
        "index_seconds": round(time.monotonic() - rows_done, 1),
        "total_seconds": round(total, 1),
    }
    log(
        f"Generated {args.tickets:,} tickets and {result['messages']:,} messages on {loader.vendor} in "
        f"{total:.1f}s (rows {result['rows_seconds']}s, indexes and search {result['index_seconds']}s)"
    )
    return result


def main(argv: Sequence[str] | None = None) -> None:
    generate(_parse_args(argv))


if __name__ == "__main__":
    main()
