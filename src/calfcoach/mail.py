"""Sending a message to a person (issue 9: password-reset and invitation links).

    mailer = mailer_from_setting("console")        # CALFCOACH_MAIL=console (default)
    mailer = mailer_from_setting("file:/var/mail/calfcoach.txt")
    mailer.send(Message(to="ana@example.org", subject="...", body="..."))

No SMTP here: a real mail server is the next step and plugs in behind ``Mailer``. The
console backend writes to standard error (the server's log); the file backend appends each
message to a file (a mail pick-up folder, or the tests reading a link).
"""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TextIO

from calfcoach.errors import InputError

__all__ = ["ConsoleMailer", "FileMailer", "Mailer", "Message", "mailer_from_setting"]

MAIL_VARIABLE = "CALFCOACH_MAIL"


@dataclass(frozen=True, slots=True)
class Message:
    to: str
    subject: str
    body: str

    def text(self) -> str:
        return f"To: {self.to}\nSubject: {self.subject}\n\n{self.body}\n-- \n"


class Mailer(Protocol):
    def send(self, message: Message) -> None: ...


class ConsoleMailer:
    """Writes each message to a stream (standard error by default)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream

    def send(self, message: Message) -> None:
        stream = self._stream or sys.stderr
        stream.write(message.text())
        stream.flush()


class FileMailer:
    """Appends each message to ``path`` (one process's writes at a time)."""

    _lock = threading.Lock()

    def __init__(self, path: Path) -> None:
        self.path = path

    def send(self, message: Message) -> None:
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as out:
                out.write(message.text())


def mailer_from_setting(value: str) -> Mailer:
    """The mailer of ``CALFCOACH_MAIL``: ``console`` (or empty) or ``file:/path``."""
    text = value.strip()
    if text in ("", "console"):
        return ConsoleMailer()
    if text.startswith("file:") and text[5:].strip():
        return FileMailer(Path(text[5:].strip()).expanduser())
    raise InputError(
        f"{MAIL_VARIABLE}: {text!r} is not a mail backend; allowed: console, file:/path/to/file"
    )
