"""Start the web server and the background worker together; Ctrl-C stops both."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the web server (gunicorn) and the worker (Huey consumer) in one terminal."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--web-workers", type=int, default=2)

    def handle(self, *args: Any, host: str, port: int, web_workers: int, **options: Any) -> None:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "anchordesk.settings"),
        }
        web = [
            sys.executable,
            "-m",
            "gunicorn",
            "anchordesk.wsgi:application",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(web_workers),
            "--threads",
            "4",
            "--access-logfile",
            "-",
            "--graceful-timeout",
            "5",
            # Idle keep-alive connections stay open longer than any client or load balancer keeps
            # them (60 s is the usual proxy default): with gunicorn's 2 s, a client reusing a
            # connection just as the server closed it got a connection reset under load.
            "--keep-alive",
            str(settings.WEB_KEEPALIVE),
            "--timeout",
            str(settings.WEB_TIMEOUT),
            "--backlog",
            "2048",
            # One control socket per user by default; several servers on one machine would share it.
            "--no-control-socket",
        ]
        worker = [sys.executable, "-m", "anchordesk", "worker"]
        # Each in a process group of its own, so stopping one stops everything it started (gunicorn's
        # workers, the queue's consumers) and nothing is left holding the terminal or a port.
        procs = [
            subprocess.Popen(web, env=env, process_group=0),
            subprocess.Popen(worker, env=env, process_group=0),
        ]
        url = f"http://{host}:{port}/"
        self.stdout.write(self.style.SUCCESS(f"\nAnchordesk is running at {url}"))
        self.stdout.write(
            f"  Agent inbox:     {url}  (demo agent: agent@demo.anchordesk.test / demo-password-1)"
        )
        self.stdout.write(
            f"  Customer portal: {url}portal/  (demo customer: maria.lopez@example.com, sign-in link printed here)"
        )
        self.stdout.write(
            f"  API docs:        {url}api/v1/docs\n  Data folder:     {settings.DATA_DIR}\n  Ctrl-C stops both.\n"
        )

        def signal_group(p: subprocess.Popen[bytes], sig: int) -> None:
            with contextlib.suppress(ProcessLookupError):  # already gone, with everything it started
                os.killpg(p.pid, sig)

        def stop(*_: Any) -> None:
            for p in procs:
                signal_group(p, signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        # Ctrl-C stops both even when this process was started with SIGINT ignored (a background job
        # of a non-interactive shell, a test runner's worker): the disposition is inherited.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        try:
            while all(p.poll() is None for p in procs):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            stop()
            for p in procs:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    p.wait(timeout=10)
                signal_group(p, signal.SIGKILL)  # whatever of its group is still there after the grace time
