"""The ports a use case works with, handed over as one bundle (wired in bootstrap)."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.services.ports import (
    Clock,
    ConfigRepository,
    ContactRepository,
    IdentityProvider,
    TicketRepository,
)


@dataclass
class Services:
    tickets: TicketRepository
    contacts: ContactRepository
    config: ConfigRepository
    identity: IdentityProvider
    clock: Clock
