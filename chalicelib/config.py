"""Settings from the environment: the one place that reads os.environ."""

from __future__ import annotations

import os
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Config:
    stage: str  # "local" or an AWS stage name
    region: str
    table_prefix: str
    dynamodb_endpoint: str | None  # DynamoDB Local's URL; None in AWS
    data_dir: str  # local stack: keys, blobs, outbox
    identity: str  # "local" or "cognito"
    user_pool_id: str
    user_pool_client_id: str
    jwt_issuer: str
    jwt_audience: str
    mail_bucket: str  # S3 bucket of raw mails and attachments (AWS)
    mail_domain: str  # right-hand side of our Message-IDs
    public_url: str  # where customers reach the portal
    secret: str  # local stack only (else refused): signs reply addresses and portal links
    ses_configuration_set: str
    config_cache_seconds: float  # per-container cache of config items; 0 = off
    # Local stack: a file every process's config writes bump, so that the others' caches
    # drop what they hold at once (config_cache.FileGeneration); "" in AWS.
    config_generation_file: str = ""
    # The one origin allowed to call the API from a browser (CORS); "" = no CORS at all, as
    # the agent UI and the API share one origin in AWS (CloudFront) and locally (web_proxy).
    ui_origin: str = ""
    # AWS: the Secrets Manager secret that signs reply addresses and portal links (its ARN;
    # the value is read once per container by bootstrap, never put in the environment).
    secret_arn: str = ""
    # Scheduled activities' timers (EventBridge Scheduler, adapters/scheduler_aws.py): the
    # schedule group, the scheduled_activity function's ARN and the role Scheduler invokes
    # it with. No target ARN: no timers are kept (the local stack's loop reads Config).
    schedule_group: str = ""
    schedule_target_arn: str = ""
    scheduler_role_arn: str = ""
    schedule_dead_letter_arn: str = ""  # SQS queue for occurrences Scheduler gave up on
    # Step Functions state machines by name (services/workflows.MACHINES): their ARNs, from
    # SERVIT_SFN_<NAME>_ARN. The local stack points them at moto's interpreter
    # (AWS_ENDPOINT_URL_SFN, read by boto3 itself).
    state_machines: dict[str, str] = field(default_factory=dict)
    # Texts (issue 13): End User Messaging SMS's origination identity (phone number, pool or
    # sender id, or its ARN) and configuration set (its event destination publishes delivery
    # receipts to SNS); "" = End User Messaging's own choice / no receipts. Local stack: the
    # texts land in <data_dir>/sms-outbox.
    # Issue 15, live lists: where browsers connect (wss://... in AWS; "/live" locally, on the
    # front door) and the WebSocket API's management endpoint the stream consumer posts to.
    live_url: str = ""
    live_endpoint: str = ""
    sms_origination_identity: str = ""
    sms_configuration_set: str = ""
    # Messenger and X (issue 13). AWS: the Secrets Manager secret (JSON) with the app
    # secrets and send tokens, read on first use by the API function only. Local stack:
    # the webhook secrets straight from the environment (replies go to an outbox folder).
    social_secret_arn: str = ""
    facebook_app_secret: str = ""
    facebook_verify_token: str = ""
    x_consumer_secret: str = ""

    @property
    def is_local(self) -> bool:
        return self.identity == "local"


def load(environ: dict[str, str] | None = None) -> Config:
    env = os.environ if environ is None else environ
    stage = env.get("SERVIT_STAGE", "local")
    return Config(
        stage=stage,
        region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "eu-north-1",
        table_prefix=env.get("SERVIT_TABLE_PREFIX", f"servit-{stage}-"),
        dynamodb_endpoint=env.get("SERVIT_DYNAMODB_ENDPOINT") or None,
        data_dir=env.get("SERVIT_DATA_DIR", ".data"),
        identity=env.get("SERVIT_IDENTITY", "local" if stage == "local" else "cognito"),
        user_pool_id=env.get("SERVIT_USER_POOL_ID", ""),
        user_pool_client_id=env.get("SERVIT_USER_POOL_CLIENT_ID", ""),
        jwt_issuer=env.get("SERVIT_JWT_ISSUER", "servit-local"),
        jwt_audience=env.get("SERVIT_JWT_AUDIENCE", "servit-web"),
        mail_bucket=env.get("SERVIT_MAIL_BUCKET", ""),
        mail_domain=env.get("SERVIT_MAIL_DOMAIN", "servit.example"),
        public_url=env.get("SERVIT_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/"),
        secret=env.get("SERVIT_SECRET", ""),
        ses_configuration_set=env.get("SERVIT_SES_CONFIGURATION_SET", ""),
        # The local stack caches too: its SMTP intake and API are separate processes, and
        # the generation file tells each at once of a change the other made.
        config_cache_seconds=float(env.get("SERVIT_CONFIG_CACHE_SECONDS", "30")),
        config_generation_file=(
            os.path.join(env.get("SERVIT_DATA_DIR", ".data"), "config-generation")
            if stage == "local"
            else ""
        ),
        ui_origin=env.get("SERVIT_UI_ORIGIN", "").strip().rstrip("/"),
        secret_arn=env.get("SERVIT_SECRET_ARN", ""),
        live_url=env.get("SERVIT_LIVE_URL", "/live" if stage == "local" else "").strip(),
        live_endpoint=env.get("SERVIT_LIVE_ENDPOINT", "").strip().rstrip("/"),
        sms_origination_identity=env.get("SERVIT_SMS_ORIGINATION_IDENTITY", ""),
        sms_configuration_set=env.get("SERVIT_SMS_CONFIGURATION_SET", ""),
        social_secret_arn=env.get("SERVIT_SOCIAL_SECRET_ARN", ""),
        facebook_app_secret=env.get("SERVIT_FACEBOOK_APP_SECRET", ""),
        facebook_verify_token=env.get("SERVIT_FACEBOOK_VERIFY_TOKEN", ""),
        x_consumer_secret=env.get("SERVIT_X_CONSUMER_SECRET", ""),
        schedule_group=env.get("SERVIT_SCHEDULE_GROUP", f"servit-{stage}"),
        schedule_target_arn=env.get("SERVIT_SCHEDULE_TARGET_ARN", ""),
        scheduler_role_arn=env.get("SERVIT_SCHEDULER_ROLE_ARN", ""),
        schedule_dead_letter_arn=env.get("SERVIT_SCHEDULE_DEAD_LETTER_ARN", ""),
        state_machines={
            name: env[f"SERVIT_SFN_{name.upper()}_ARN"]
            for name in ("wakeup", "consultation", "close_children")
            if env.get(f"SERVIT_SFN_{name.upper()}_ARN")
        },
    )
