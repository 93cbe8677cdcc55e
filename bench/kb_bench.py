"""Knowledge-base search and suggestions on a generated help center, on a database of its own.

    python bench/kb_bench.py [--articles 10000] [--queries 200] [--data-dir /tmp/bench-kb]
    python bench/kb_bench.py --database-url postgres://postgres@127.0.0.1:5432/ad_kb_bench

It generates its data once (an empty database migrated in --data-dir, or the given PostgreSQL
database): --articles articles spread over 5 languages (one topic written in each language),
20 categories of 5 sections, 80% public, 10% agents only, 10% for one of 20 organizations,
90% published. Bodies are 80-200 words drawn from a 3,000-word vocabulary in which a few
hundred topic words are frequent, so queries hit realistic candidate counts.

Then --queries queries are timed through `kb.search.search_articles` and `suggest_articles`
(the functions behind the help center's search box, /api/v1/kb/search and /api/v1/kb/suggest),
as a visitor and as an agent: search is 1-3 words with the last one cut short (a prefix),
suggest a customer's question of 8-16 words. Prints the median and the 95th percentile in ms.
The issue's goal is p50 < 30 ms and p95 < 100 ms with 10,000 articles in 5 languages.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.generate import setup_django  # noqa: E402 - needs ROOT on sys.path

LANGUAGES = ["en", "fr", "de", "es", "pt"]
SEED = 16


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    p.add_argument("--data-dir", default="/tmp/bench-kb")
    p.add_argument("--articles", type=int, default=10_000)
    p.add_argument("--queries", type=int, default=200)
    return p.parse_args(argv)


def _vocabulary(rng: random.Random) -> list[str]:
    consonants, vowels = "bcdfghklmnprstvz", "aeiou"
    words: set[str] = set()
    while len(words) < 3000:
        syllables = rng.randint(2, 4)
        words.add("".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(syllables)))
    return sorted(words)


def _generate(n_articles: int, rng: random.Random, vocab: list[str]) -> None:
    from django.utils import timezone

    from anchordesk.accounts.models import Organization, User
    from anchordesk.kb.models import Article, Category, Section
    from anchordesk.kb.rendering import plain_text, render_markdown

    if Article.objects.exists():
        return
    author = User.objects.create_user(username="kb-bench", email="kb@bench.test", role="agent")
    organizations = [Organization.objects.create(name=f"Bench org {n}") for n in range(20)]
    sections = []
    for c in range(20):
        category = Category.objects.create(name=f"Category {c}", slug=f"category-{c}")
        sections += [
            Section.objects.create(category=category, name=f"Section {s}", slug=f"s-{s}") for s in range(5)
        ]
    topic_words = vocab[:400]  # frequent: what questions are about
    now = timezone.now()
    batch: list[Article] = []
    for n in range(n_articles):
        topic = n // len(LANGUAGES)
        language = LANGUAGES[n % len(LANGUAGES)]
        trng = random.Random(topic * 31 + n % len(LANGUAGES))
        title_words = [trng.choice(topic_words) for _ in range(trng.randint(3, 6))]
        body_words = [
            trng.choice(topic_words) if trng.random() < 0.3 else trng.choice(vocab)
            for _ in range(trng.randint(80, 200))
        ]
        body = " ".join(body_words).capitalize() + "."
        html = render_markdown(body)
        roll = rng.random()
        visibility = "public" if roll < 0.8 else "agents" if roll < 0.9 else "organization"
        batch.append(
            Article(
                section=sections[topic % len(sections)],
                slug=f"t{topic}-{'-'.join(title_words[:3])}",
                language=language,
                title=" ".join(title_words).capitalize(),
                body_md=body,
                body_html=html,
                body_text=plain_text(html),
                tags=" ".join(trng.sample(topic_words, 2)),
                visibility=visibility,
                organization=rng.choice(organizations) if visibility == "organization" else None,
                state="published" if rng.random() < 0.9 else "draft",
                author=author,
                published_at=now - timedelta(days=rng.randint(0, 1000)),
            )
        )
        if len(batch) == 1000:
            Article.objects.bulk_create(batch)
            batch = []
    Article.objects.bulk_create(batch)


def _time(fn: Callable[[], object], runs: Sequence[object]) -> tuple[float, float]:
    samples = []
    for _ in runs:
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(argv)
    setup_django(args.database_url, args.data_dir)
    from django.core.management import call_command
    from django.db import connection

    from anchordesk.accounts.models import User
    from anchordesk.kb.models import Article
    from anchordesk.kb.search import search_articles, suggest_articles

    call_command("migrate", verbosity=0)
    rng = random.Random(SEED)
    vocab = _vocabulary(rng)
    started = time.perf_counter()
    _generate(args.articles, rng, vocab)
    generated = time.perf_counter() - started
    agent = User.objects.get(username="kb-bench")
    topic_words = vocab[:400]
    searches = []
    questions = []
    for _ in range(args.queries):
        words = [rng.choice(topic_words) for _ in range(rng.randint(1, 3))]
        words[-1] = words[-1][: max(3, len(words[-1]) - 2)]
        searches.append((" ".join(words), rng.choice(LANGUAGES)))
        question = [
            rng.choice(topic_words) if rng.random() < 0.5 else rng.choice(vocab)
            for _ in range(rng.randint(8, 16))
        ]
        questions.append((" ".join(question), rng.choice(LANGUAGES)))
    print(
        f"# {Article.objects.count()} articles ({connection.vendor}); generated in {generated:.1f} s; "
        f"{args.queries} queries each"
    )
    print(f"{'case':<28} {'p50 ms':>8} {'p95 ms':>8}")
    for who, reader in (("visitor", None), ("agent", agent)):
        s_iter, q_iter = iter(searches), iter(questions)

        def one_search(reader: User | None = reader, it: Iterator[tuple[str, str]] = s_iter) -> object:
            q, lang = next(it)
            return search_articles(q, reader=reader, language=lang, limit=10)

        def one_suggest(reader: User | None = reader, it: Iterator[tuple[str, str]] = q_iter) -> object:
            q, lang = next(it)
            return suggest_articles(q, reader=reader, language=lang, limit=3)

        for name, fn in ((f"search ({who})", one_search), (f"suggest ({who})", one_suggest)):
            p50, p95 = _time(fn, range(args.queries))
            print(f"{name:<28} {p50:>8.1f} {p95:>8.1f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
