"""Sending e-mail through the configured SMTP server (the standard library's smtplib: one
connection per round of digests, STARTTLS and login when configured)."""

from __future__ import annotations

import smtplib
from collections.abc import Iterable
from email.message import EmailMessage
from typing import Any


def configured(config: Any) -> bool:
    return bool(config.get("SMTP_HOST"))


def send(config: Any, messages: Iterable[tuple[str, str, str]]) -> int:
    """Send (to, subject, body) messages over one connection; returns how many went out."""
    sent = 0
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=30) as server:
        if config["SMTP_STARTTLS"]:
            server.starttls()
        if config["SMTP_USER"]:
            server.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
        for to, subject, body in messages:
            message = EmailMessage()
            message["From"] = config["MAIL_FROM"]
            message["To"] = to
            message["Subject"] = subject
            message.set_content(body)
            server.send_message(message)
            sent += 1
    return sent
