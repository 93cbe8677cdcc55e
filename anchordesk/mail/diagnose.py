"""Why a mailbox cannot be read, in plain words: the "Test connection" button and the poller's error.

`diagnose(mailbox)` walks the steps a poll takes (name lookup, connection, TLS, sign-in,
folder) and stops at the first that fails, saying what failed and what to check. `explain(exc)`
turns an exception from a poll into the same words. Transport only: no database writes here.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError, LoginError

from anchordesk.core.crypto import UnreadableSecret

if TYPE_CHECKING:
    from anchordesk.mail.models import Mailbox


class Stage:
    SETUP = "setup"
    DNS = "dns"
    CONNECT = "connect"
    TLS = "tls"
    CREDENTIALS = "credentials"
    FOLDER = "folder"
    OK = "ok"


SESSION = "session"  # connected over TCP; the IMAP greeting (and TLS for IMAPS) comes next


@dataclass(frozen=True)
class Diagnosis:
    """The outcome of a connection test: the step that failed (or "ok") and what to tell the admin."""

    stage: str
    message: str
    detail: str = ""  # the server's or library's own words, for the technically minded
    folders: list[str] = field(default_factory=list)
    message_count: int | None = None

    @property
    def ok(self) -> bool:
        return self.stage == Stage.OK


class SecretUnreadable(Exception):
    """A stored secret that the configured encryption keys cannot decrypt."""


class FolderMissing(Exception):
    def __init__(self, folder: str, folders: list[str]) -> None:
        super().__init__(folder)
        self.folder = folder
        self.folders = folders


def _where(mailbox: Mailbox) -> str:
    return f"{mailbox.host}:{mailbox.port}"


def _text(exc: BaseException) -> str:
    text = str(exc)
    if text.startswith(("b'", 'b"')):  # imaplib hands over the server's words as bytes
        text = text[2:-1]
    return text or type(exc).__name__


def secret_problem(mailbox: Mailbox) -> str:
    """Why the stored secrets cannot be used, or ""."""
    for name, label in (("password", "password"), ("oauth2_token", "OAuth2 token")):
        if isinstance(getattr(mailbox, name), UnreadableSecret):
            return (
                f"The stored {label} cannot be decrypted with ANCHORDESK_ENCRYPTION_KEY (was the key "
                f"changed?). Put the old key back after the new one, or enter the {label} again."
            )
    return ""


def explain(exc: BaseException, mailbox: Mailbox, *, stage: str = "") -> Diagnosis:
    """An exception raised while reaching or reading a mailbox, in plain words."""
    where = _where(mailbox)
    if isinstance(exc, SecretUnreadable):
        return Diagnosis(Stage.SETUP, str(exc))
    if isinstance(exc, FolderMissing):
        return Diagnosis(
            Stage.FOLDER,
            f"The server has no folder named “{exc.folder}”. It has: {', '.join(exc.folders) or 'no folders'}.",
            folders=exc.folders,
        )
    if isinstance(exc, socket.gaierror):
        if exc.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)):
            message = f"No such host: the name “{mailbox.host}” does not exist (DNS). Check the server name."
        else:
            message = (
                f"The name “{mailbox.host}” could not be looked up: the DNS server did not answer. "
                "Check this machine's network and DNS settings."
            )
        return Diagnosis(Stage.DNS, message, detail=_text(exc))
    if isinstance(exc, ConnectionRefusedError):
        return Diagnosis(
            Stage.CONNECT,
            f"Connection refused: nothing is listening on {where}. Check the port, and that the mail "
            "server is running.",
            detail=_text(exc),
        )
    if isinstance(exc, (TimeoutError, socket.timeout)):
        if stage == Stage.CONNECT:
            message = (
                f"No answer from {where}: the connection timed out. A firewall may be dropping it, "
                "or the host or port is wrong."
            )
        elif stage == SESSION:
            message = (
                f"{where} accepted the connection but did not answer in time. Is it an IMAP port, "
                "and is the security setting right (TLS on 993, STARTTLS or none on 143)?"
            )
        else:
            message = (
                f"No answer from {where} in time: a firewall may be dropping the connection, the port "
                "may be wrong, or the server is not answering IMAP."
            )
        return Diagnosis(Stage.CONNECT, message, detail=_text(exc))
    if isinstance(exc, ssl.SSLCertVerificationError):
        return Diagnosis(
            Stage.TLS,
            f"The server's TLS certificate is not valid: {exc.verify_message or _text(exc)}. "
            "Use the host name the certificate was issued for, or fix the certificate on the server.",
            detail=_text(exc),
        )
    if isinstance(exc, ssl.SSLError):
        return Diagnosis(
            Stage.TLS,
            f"The TLS handshake with {where} failed ({exc.reason or _text(exc)}). Check the security "
            "setting: TLS (IMAPS) is usually port 993, STARTTLS or none port 143.",
            detail=_text(exc),
        )
    if isinstance(exc, IMAPClientError) and ("TLS not supported" in str(exc) or "STARTTLS" in str(exc)):
        return Diagnosis(
            Stage.TLS,
            f"The server on {where} does not offer STARTTLS. Choose TLS (IMAPS, usually port 993), "
            "or None only for a server on this machine or network.",
            detail=_text(exc),
        )
    if isinstance(exc, LoginError) or stage == Stage.CREDENTIALS and isinstance(exc, IMAPClientError):
        what = "OAuth2 token" if mailbox.oauth2_token else "password"
        return Diagnosis(
            Stage.CREDENTIALS,
            f"The server refused the user name “{mailbox.username}” or the {what}. "
            f"Check both{', and that the token has not expired' if mailbox.oauth2_token else ''}.",
            detail=_text(exc),
        )
    if isinstance(exc, ConnectionResetError | BrokenPipeError | EOFError | IMAPClientAbortError):
        return Diagnosis(
            Stage.CONNECT,
            f"{where} closed the connection. Check the security setting (TLS, STARTTLS or none) "
            "and that this is an IMAP server.",
            detail=_text(exc),
        )
    if isinstance(exc, OSError):
        return Diagnosis(
            Stage.CONNECT, f"Could not connect to {where}: {exc.strerror or _text(exc)}.", detail=_text(exc)
        )
    if isinstance(exc, IMAPClientError) and stage == Stage.FOLDER:
        return Diagnosis(
            Stage.FOLDER, f"The server refused to open the folder: {_text(exc)}.", detail=_text(exc)
        )
    return Diagnosis(stage or Stage.CONNECT, f"The mail server answered: {_text(exc)}", detail=_text(exc))


def plain_error(exc: BaseException, mailbox: Mailbox) -> str:
    """What the poller stores as the mailbox's last error."""
    return explain(exc, mailbox).message


def open_client(mailbox: Mailbox, *, timeout: float = 30, stages: list[str] | None = None) -> IMAPClient:
    """Connect, secure and sign in. `stages` (when given) records how far it got, for explain()."""
    track = stages if stages is not None else []
    problem = secret_problem(mailbox)
    if problem:
        raise SecretUnreadable(problem)
    context = ssl.create_default_context()
    track.append(Stage.CONNECT)
    client = IMAPClient(
        mailbox.host,
        port=mailbox.port,
        ssl=mailbox.security == "ssl",
        ssl_context=context,
        timeout=timeout,
    )
    try:
        if mailbox.security == "starttls":
            track.append(Stage.TLS)
            client.starttls(context)
        track.append(Stage.CREDENTIALS)
        if mailbox.oauth2_token:
            client.oauth2_login(mailbox.username, mailbox.oauth2_token)
        else:
            client.login(mailbox.username, mailbox.password)
    except BaseException:
        _close(client)
        raise
    return client


def select(client: IMAPClient, folder: str) -> int:
    """Open a folder; FolderMissing (with the folders there are) when it does not exist."""
    try:
        response = client.select_folder(folder)
    except IMAPClientError as exc:
        names = folder_names(client)
        if folder not in names:
            raise FolderMissing(folder, names) from exc
        raise
    return int(response.get(b"EXISTS", 0))


def folder_names(client: IMAPClient) -> list[str]:
    try:
        return sorted(str(name) for _flags, _sep, name in client.list_folders())
    except IMAPClientError:
        return []


def _close(client: IMAPClient) -> None:
    try:
        client.logout()
    except Exception:
        with contextlib.suppress(Exception):
            client.shutdown()


def diagnose(mailbox: Mailbox, *, timeout: float = 10) -> Diagnosis:
    """Try to reach and read the mailbox the way a poll does; the first step that fails, in plain words."""
    if not mailbox.host:
        return Diagnosis(
            Stage.SETUP,
            "No IMAP server is set, so nothing is polled: this mailbox only gets push or pipe mail.",
        )
    if not mailbox.username:
        return Diagnosis(Stage.SETUP, "Enter the user name to sign in to the IMAP server with.")
    if not (mailbox.password or mailbox.oauth2_token or secret_problem(mailbox)):
        return Diagnosis(Stage.SETUP, "Set a password or an OAuth2 token to sign in with.")
    try:
        socket.getaddrinfo(mailbox.host, mailbox.port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        return explain(exc, mailbox, stage=Stage.DNS)
    try:
        with socket.create_connection((mailbox.host, mailbox.port), timeout=timeout):
            pass
    except OSError as exc:
        return explain(exc, mailbox, stage=Stage.CONNECT)
    stages: list[str] = []
    try:
        client = open_client(mailbox, timeout=timeout, stages=stages)
    except Exception as exc:
        stage = stages[-1] if stages else SESSION
        return explain(exc, mailbox, stage=SESSION if stage == Stage.CONNECT else stage)
    try:
        count = select(client, mailbox.folder)
        folders = folder_names(client)
        if mailbox.processed_folder and mailbox.processed_folder not in folders:
            return explain(FolderMissing(mailbox.processed_folder, folders), mailbox)
    except Exception as exc:
        return explain(exc, mailbox, stage=Stage.FOLDER)
    finally:
        _close(client)
    noun = "message" if count == 1 else "messages"
    return Diagnosis(
        Stage.OK, f"Connected; {mailbox.folder} has {count} {noun}.", folders=folders, message_count=count
    )
