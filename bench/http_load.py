"""Concurrent clients against a real `anchordesk run` on 127.0.0.1: responses, resets, errors, latency.

    python bench/http_load.py [--clients 20] [--seconds 60] [--keep-data DIR]

Sets up a throwaway SQLite help desk (migrate, a small demo, an API token), starts `anchordesk run`
(gunicorn and the worker, as `make run` does) on a free loopback port, and runs N client threads, each
with its own keep-alive connection pool, for T seconds: a mix of API reads, an API write, the sign-in
page and a wrong-password sign-in (which answers without reading all of a large body). Bounded in
count and time; only loopback. Prints counts and median/p95 latency.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
MAX_REQUESTS_PER_CLIENT = 20_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "anchordesk", *args], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def _setup(env: dict[str, str]) -> str:
    _manage(env, "migrate", "--noinput")
    _manage(env, "demo", "--tickets", "60")
    token = _manage(
        env,
        "shell",
        "-c",
        "from anchordesk.accounts.actions import do_create_api_token;"
        "from anchordesk.accounts.models import User;"
        "u = User.objects.get(email='agent@demo.anchordesk.test');"
        "print(do_create_api_token(u, 'load', actor=u)[1])",
    )
    return token.strip().splitlines()[-1]


def _wait_until_up(url: str, proc: subprocess.Popen[bytes], limit: float = 120.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("anchordesk run exited before answering")
        try:
            if requests.get(url + "signin/", timeout=30).status_code == 200:
                return
        except requests.RequestException:
            time.sleep(0.2)  # polling a port that is not open yet: no event to wait on
    raise SystemExit("anchordesk run did not answer in time")


def _client(base: str, token: str, until: float, outcomes: Counter[str], latencies: list[float]) -> None:
    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {token}"
    browser = requests.Session()
    big_body = {"email": "nobody@example.test", "password": "wrong-" + "x" * 200_000}
    n = 0
    while time.monotonic() < until and n < MAX_REQUESTS_PER_CLIENT:
        step = n % 10
        n += 1
        started = time.perf_counter()
        try:
            if step < 6:
                r = api.get(f"{base}api/v1/tickets", params={"limit": 25}, timeout=30)
            elif step == 6:
                r = api.get(f"{base}api/v1/me", timeout=30)
            elif step == 7:
                r = api.post(
                    f"{base}api/v1/tickets",
                    json={"subject": "Load test", "body": "Hello", "customer_email": "load@example.test"},
                    timeout=30,
                )
            elif step == 8:
                r = browser.get(f"{base}signin/", timeout=30)
            else:
                page = browser.get(f"{base}signin/", timeout=30).text
                m = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
                data = {**big_body, "csrfmiddlewaretoken": m.group(1) if m else ""}
                r = browser.post(
                    f"{base}signin/", data=data, headers={"Referer": f"{base}signin/"}, timeout=30
                )
            outcomes[f"http {r.status_code // 100}xx"] += 1
            latencies.append(time.perf_counter() - started)
        except requests.ConnectionError as error:
            kind = (
                "reset" if "reset" in str(error).lower() or "aborted" in str(error).lower() else "conn-error"
            )
            outcomes[kind] += 1
            outcomes[f"{kind} at step {step}: {str(error)[:90]}"] += 1
        except requests.Timeout:
            outcomes["timeout"] += 1


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--keep-data", help="use (and keep) this data folder instead of a temporary one")
    args = parser.parse_args()

    data_dir = Path(args.keep_data) if args.keep_data else Path(tempfile.mkdtemp(prefix="anchordesk-load-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="anchordesk.settings",
        ANCHORDESK_DATA_DIR=str(data_dir),
        ANCHORDESK_MANIFEST_STATIC="0",
        LOGIN_RATE_LIMIT="1000000",
        LOGIN_RATE_LIMIT_PER_ADDRESS="1000000",
        PYTHONPATH=str(ROOT),
    )
    token = _setup(env)
    port = _free_port()
    base = f"http://127.0.0.1:{port}/"
    server = subprocess.Popen(
        [sys.executable, "-m", "anchordesk", "run", "--port", str(port)],
        env=env,
        stdout=(data_dir / "server.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_up(base, server)
        outcomes: Counter[str] = Counter()
        latencies: list[float] = []
        until = time.monotonic() + args.seconds
        threads = [
            threading.Thread(target=_client, args=(base, token, until, outcomes, latencies))
            for _ in range(args.clients)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        server.terminate()
        server.wait(timeout=30)

    total = sum(v for k, v in outcomes.items() if " at step " not in k)
    print(f"clients {args.clients}, {args.seconds:.0f} s, {total} requests ({total / args.seconds:.0f}/s)")
    for kind, count in sorted(outcomes.items()):
        print(f"  {kind:<11} {count}")
    if latencies:
        latencies.sort()
        print(
            f"  median {statistics.median(latencies) * 1000:.0f} ms, p95 {latencies[int(0.95 * len(latencies))] * 1000:.0f} ms"
        )
    print(f"resets: {outcomes['reset'] + outcomes['conn-error']}   (server log: {data_dir / 'server.log'})")


if __name__ == "__main__":
    main()
