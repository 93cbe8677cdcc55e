"""Where the shared corpus lives: <repo>/../shared/data, read in place and never copied."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
EMAILS = DATA / "emails"


def require_corpus() -> Path:
    if not EMAILS.is_dir():
        # CI clones the repo with shared/ beside it: there a missing corpus is a failure, not a skip.
        from tests.conftest import missing_service

        missing_service(f"shared corpus not found at {EMAILS}")
    return EMAILS


def corpus_file(relative: str) -> bytes:
    return (require_corpus() / relative).read_bytes()
