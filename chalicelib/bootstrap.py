"""Wiring: the one place that picks adapters for the ports.

Built lazily on first use and cached for the life of the Lambda container
(or the local server); tests swap in fakes with ``use()``.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from chalicelib import config as config_module
from chalicelib.services.context import Services

_services: Services | None = None


def utc_now() -> datetime:
    return datetime.now(UTC)


def build(cfg: config_module.Config | None = None) -> Services:
    cfg = cfg or config_module.load()
    from chalicelib.adapters.dynamodb.config import DynamoConfigRepository
    from chalicelib.adapters.dynamodb.contacts import DynamoContactRepository
    from chalicelib.adapters.dynamodb.models import bind
    from chalicelib.adapters.dynamodb.tickets import DynamoTicketRepository
    from chalicelib.services.ports import IdentityProvider

    bind(cfg.table_prefix, cfg.dynamodb_endpoint, cfg.region)
    config_repo = DynamoConfigRepository()
    identity: IdentityProvider
    if cfg.identity == "local":
        from chalicelib.adapters.identity_local import LocalIdentity, load_or_create_key

        key = load_or_create_key(os.path.join(cfg.data_dir, "local-signing-key.pem"))
        identity = LocalIdentity(
            config_repo, key, clock=utc_now, issuer=cfg.jwt_issuer, audience=cfg.jwt_audience
        )
    else:
        import boto3

        from chalicelib.adapters.identity_cognito import CognitoIdentity

        identity = CognitoIdentity(
            boto3.client("cognito-idp", region_name=cfg.region),
            user_pool_id=cfg.user_pool_id,
            client_id=cfg.user_pool_client_id,
            region=cfg.region,
        )
    return Services(
        tickets=DynamoTicketRepository(),
        contacts=DynamoContactRepository(),
        config=config_repo,
        identity=identity,
        clock=utc_now,
    )


def services() -> Services:
    global _services
    if _services is None:
        _services = build()
    return _services


def use(replacement: Services | None) -> None:
    """Tests: run the app on these services (None: build from the environment again)."""
    global _services
    _services = replacement
