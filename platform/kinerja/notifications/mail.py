"""Sending e-mail through the configured SMTP server (the standard library's smtplib: one
connection per round of digests, STARTTLS and login when configured).

Each message is accepted or refused on its own: a recipient the server refuses (or an address
that cannot be a recipient at all, stored before the address rule) is a `Refusal` for that
person, and the round goes on with the next one. Only the server failing as a whole
(unreachable, disconnected, the sender refused) raises, so the round stops and is tried again."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from types import TracebackType
from typing import Any

from kinerja.people import addresses

PERMANENT = 500  # SMTP reply codes from 500 on say "do not try this again"
CLOSING = 421  # the server is going away: not about this recipient, smtplib has hung up


def configured(config: Any) -> bool:
    return bool(config.get("SMTP_HOST"))


@dataclass(frozen=True)
class Refusal:
    reason: str  # the server's reply, or why no server was asked
    permanent: bool  # 5xx or an impossible address: the same address is not tried again


def _reply(code: int, text: bytes | str) -> Refusal:
    said = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return Refusal(f"{code} {said}"[:200], code >= PERMANENT)


class Outbox:
    """One connection for a round, opened at the first message and closed at the end."""

    def __init__(self, config: Any) -> None:
        self.config = config
        self.server: smtplib.SMTP | None = None

    def __enter__(self) -> Outbox:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.server is not None:
            try:
                self.server.quit()
            except (smtplib.SMTPException, OSError):
                self.server.close()

    def _connect(self) -> smtplib.SMTP:
        if self.server is None:
            config = self.config
            server = smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=30)
            if config["SMTP_STARTTLS"]:
                server.starttls()
            if config["SMTP_USER"]:
                server.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
            self.server = server
        return self.server

    def send(self, to: str, subject: str, body: str) -> Refusal | None:
        """None when the server accepted the message for `to`, else why it was refused."""
        if not addresses.usable(to):
            return Refusal("not a valid e-mail address", permanent=True)
        message = EmailMessage()
        message["From"] = self.config["MAIL_FROM"]
        message["To"] = to
        message["Subject"] = subject
        message.set_content(body)
        server = self._connect()
        try:
            server.send_message(message)
        except smtplib.SMTPRecipientsRefused as refused:  # smtplib has reset the transaction
            code, text = next(iter(refused.recipients.values()))
            if code == CLOSING:
                raise
            return _reply(code, text)
        except smtplib.SMTPDataError as refused:  # this message, not the server, was refused
            if refused.smtp_code == CLOSING:
                raise
            return _reply(refused.smtp_code, refused.smtp_error)
        return None
