"""A real SMTP server on this machine for the mail tests."""
from __future__ import annotations

import asyncio
import email
import socket
import threading
from email import policy as email_policy

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Collector:
    """An SMTP handler keeping what it receives; refuses recipients starting with 'bounce'."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.lock = threading.Lock()
        self.delay = 0.0  # seconds a slow server takes over each message

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("bounce"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email_policy.default)
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    @property
    def recipients(self) -> list[str]:
        return sorted(m["To"] for m in self.messages)


@pytest.fixture
def smtp(app, monkeypatch):
    """The app sends to 127.0.0.1:<port>; `smtp.start()` brings a server up there."""

    class Server:
        port = free_port()
        collector = Collector()
        controller = None

        def start(self):
            self.controller = Controller(self.collector, hostname="127.0.0.1", port=self.port)
            self.controller.start()

        def stop(self):
            if self.controller is not None:
                self.controller.stop()
                self.controller = None

    server = Server()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", server.port)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 5)
    yield server
    server.stop()
