"""Wiring: the one place that picks adapters for the ports.

Built lazily on first use and cached for the life of the Lambda container
(or the local server); tests swap in fakes with ``use()``.
"""

from __future__ import annotations

import os
import secrets
from datetime import UTC, datetime
from typing import Any

from chalicelib import config as config_module
from chalicelib.services.context import MailSettings, Services
from chalicelib.services.live.ports import LiveChannel
from chalicelib.services.ports import (
    BlobStore,
    ConfigRepository,
    Mailer,
    Scheduler,
    SmsSender,
    SocialSender,
    Workflows,
)

_services: Services | None = None


def utc_now() -> datetime:
    return datetime.now(UTC)


def build(cfg: config_module.Config | None = None) -> Services:
    cfg = cfg or config_module.load()
    from chalicelib.adapters.dynamodb.config import DynamoConfigRepository
    from chalicelib.adapters.dynamodb.contacts import DynamoContactRepository
    from chalicelib.adapters.dynamodb.live import DynamoReadMarkers
    from chalicelib.adapters.dynamodb.mail import DynamoLookupRepository, DynamoMailLogRepository
    from chalicelib.adapters.dynamodb.models import bind
    from chalicelib.adapters.dynamodb.notifications import DynamoNotificationRepository
    from chalicelib.adapters.dynamodb.organisations import DynamoOrganisationRepository
    from chalicelib.adapters.dynamodb.search_index import DynamoSearchIndex
    from chalicelib.adapters.dynamodb.stats import DynamoStatsRepository
    from chalicelib.adapters.dynamodb.tickets import DynamoTicketRepository
    from chalicelib.services.ports import IdentityProvider

    bind(cfg.table_prefix, cfg.dynamodb_endpoint, cfg.region)
    config_repo: ConfigRepository = DynamoConfigRepository()
    if cfg.config_cache_seconds > 0:
        from chalicelib.adapters.config_cache import CachedConfigRepository, FileGeneration

        config_repo = CachedConfigRepository(
            config_repo,
            cfg.config_cache_seconds,
            # Local stack only: a change in one process is seen by the others' next read.
            generation=(
                FileGeneration(cfg.config_generation_file) if cfg.config_generation_file else None
            ),
        )
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
    blobs, mailer = _mail_adapters(cfg)
    return Services(
        tickets=DynamoTicketRepository(),
        contacts=DynamoContactRepository(),
        config=config_repo,
        identity=identity,
        clock=utc_now,
        lookups=DynamoLookupRepository(),
        mail_log=DynamoMailLogRepository(),
        blobs=blobs,
        mailer=mailer,
        notifications=DynamoNotificationRepository(),
        organisations=DynamoOrganisationRepository(),
        stats=DynamoStatsRepository(),
        search_index=DynamoSearchIndex(),  # issue 15: the top-bar search
        workflows=_workflows(cfg),
        scheduler=_scheduler(cfg),
        sms=_sms(cfg),
        live=_live(cfg),
        read_markers=DynamoReadMarkers(utc_now),
        **_social(cfg),
        mail=MailSettings(
            secret=_secret(cfg),
            message_id_domain=cfg.mail_domain,
            portal_base_url=cfg.public_url,
        ),
    )


def _live(cfg: config_module.Config) -> LiveChannel | None:
    """Issue 15, live lists. Locally: connections in this process's memory, pushed through
    the front door's sockets (local/live.py; the stream poller runs in the same process).
    In AWS: the Live table and the WebSocket API's management endpoint; a stack without
    one (no SERVIT_LIVE_ENDPOINT) pushes nothing and the UI refreshes by its fallback."""
    if cfg.is_local:
        from chalicelib.adapters.live_memory import LocalLiveHub, MemoryLiveConnections

        return LiveChannel(MemoryLiveConnections(), LocalLiveHub(), url=cfg.live_url)
    if not cfg.live_endpoint:
        return None
    from chalicelib.adapters.dynamodb.live import DynamoLiveConnections
    from chalicelib.adapters.live_apigw import ApiGatewayPusher

    return LiveChannel(
        DynamoLiveConnections(), ApiGatewayPusher(cfg.live_endpoint, cfg.region), url=cfg.live_url
    )


def _sms(cfg: config_module.Config) -> SmsSender | None:
    """End User Messaging SMS in AWS (client made on first send); the outbox folder
    locally (``.data/sms-outbox``, ``GET /api/dev/sms-outbox``). A stack without an
    origination identity sends no texts (None: replies and alarms by SMS are refused as
    not set up, rather than failing on IAM)."""
    if cfg.is_local:
        from chalicelib.adapters.sms_outbox import LocalSmsOutbox

        return LocalSmsOutbox(os.path.join(cfg.data_dir, "sms-outbox"))
    if not cfg.sms_origination_identity:
        return None
    import boto3

    from chalicelib.adapters.sms_eum import EndUserMessagingSms

    return EndUserMessagingSms(
        lambda: boto3.client("pinpoint-sms-voice-v2", region_name=cfg.region),
        origination_identity=cfg.sms_origination_identity,
        configuration_set=cfg.sms_configuration_set,
    )


def _workflows(cfg: config_module.Config) -> Workflows:
    import boto3

    from chalicelib.adapters.workflows_sfn import StepFunctionsWorkflows

    # boto3 reads AWS_ENDPOINT_URL_SFN itself: moto's server in the local stack.
    # The client is made on first use: most requests never start a workflow.
    return StepFunctionsWorkflows(
        lambda: boto3.client("stepfunctions", region_name=cfg.region), cfg.state_machines
    )


def _scheduler(cfg: config_module.Config) -> Scheduler | None:
    """EventBridge Scheduler where the stack names the target function; else none (the
    local stack fires due occurrences itself, local/scheduler_loop.py)."""
    if not cfg.schedule_target_arn:
        return None
    import boto3

    from chalicelib.adapters.scheduler_aws import EventBridgeScheduler

    return EventBridgeScheduler(
        lambda: boto3.client("scheduler", region_name=cfg.region),
        group=cfg.schedule_group,
        target_arn=cfg.schedule_target_arn,
        role_arn=cfg.scheduler_role_arn,
        dead_letter_arn=cfg.schedule_dead_letter_arn,
    )


def _social(cfg: config_module.Config) -> dict[str, Any]:
    """Messenger and X: the keys (nothing is read until a webhook or reply needs them) and
    the sender. AWS: one Secrets Manager secret; Graph API and X API. Local stack: webhook
    secrets from the environment, replies into .data/social-outbox/."""
    from chalicelib.services.social.keys import SocialKeys, SocialKeySource, StaticSocialKeys

    keys: SocialKeySource
    if cfg.social_secret_arn:
        import boto3

        from chalicelib.adapters.social_secrets import SecretsManagerSocialKeys

        keys = SecretsManagerSocialKeys(
            lambda: boto3.client("secretsmanager", region_name=cfg.region), cfg.social_secret_arn
        )
    else:
        keys = StaticSocialKeys(
            SocialKeys(
                facebook_app_secret=cfg.facebook_app_secret.encode(),
                facebook_verify_token=cfg.facebook_verify_token,
                x_consumer_secret=cfg.x_consumer_secret.encode(),
            )
        )
    sender: SocialSender
    if cfg.is_local:
        from chalicelib.adapters.social_outbox import LocalSocialOutbox

        sender = LocalSocialOutbox(os.path.join(cfg.data_dir, "social-outbox"))
    else:
        from chalicelib.adapters.social_graph import GraphMessenger
        from chalicelib.adapters.social_http import PlatformSocialSender
        from chalicelib.adapters.social_x import XDirectMessages

        sender = PlatformSocialSender(
            {
                "facebook": GraphMessenger(lambda: keys.keys().facebook_page_tokens),
                "x": XDirectMessages(lambda: keys.keys().x_access_tokens),
            }
        )
    return {"social_keys": keys, "social": sender}


def _mail_adapters(cfg: config_module.Config) -> tuple[BlobStore, Mailer]:
    if cfg.is_local:
        from chalicelib.adapters.blobs_local import LocalBlobStore
        from chalicelib.adapters.mail_outbox import LocalOutbox

        return (
            LocalBlobStore(os.path.join(cfg.data_dir, "blobs")),
            LocalOutbox(os.path.join(cfg.data_dir, "outbox")),
        )
    import boto3

    from chalicelib.adapters.blobs_s3 import S3BlobStore
    from chalicelib.adapters.mail_ses import SesMailer

    return (
        S3BlobStore(boto3.client("s3", region_name=cfg.region), cfg.mail_bucket),
        SesMailer(boto3.client("sesv2", region_name=cfg.region), cfg.ses_configuration_set or None),
    )


def _secret(cfg: config_module.Config) -> bytes:
    """AWS: the Secrets Manager secret named by SERVIT_SECRET_ARN, read once per container.
    Local stack: SERVIT_SECRET, else a file generated under the data directory."""
    if cfg.secret_arn:
        import boto3

        from chalicelib.adapters.secret_store import read_secret

        return read_secret(
            lambda: boto3.client("secretsmanager", region_name=cfg.region), cfg.secret_arn
        )
    if not cfg.is_local:
        # Never a plain environment variable in AWS (issue 11).
        raise RuntimeError("SERVIT_SECRET_ARN must name the signing secret outside the local stack")
    if cfg.secret:
        return cfg.secret.encode()
    path = os.path.join(cfg.data_dir, "secret")
    if not os.path.exists(path):
        os.makedirs(cfg.data_dir, exist_ok=True)
        with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as handle:
            handle.write(secrets.token_hex(32))
    with open(path) as handle:
        return handle.read().strip().encode()


def services() -> Services:
    global _services
    if _services is None:
        _services = build()
    return _services


def use(replacement: Services | None) -> None:
    """Tests: run the app on these services (None: build from the environment again)."""
    global _services
    _services = replacement
