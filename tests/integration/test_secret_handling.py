"""The signing secret: in Secrets Manager, read once per container, never in a plain
environment variable in AWS, never logged; and no e-mail address or message text in the logs
of an intake and a reply (issue 11)."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator
from typing import Any

import boto3
import botocore.client
import pytest
from moto import mock_aws

from chalicelib import bootstrap
from chalicelib import config as config_module
from chalicelib.adapters import secret_store
from chalicelib.adapters.dynamodb import models
from chalicelib.services.context import Services
from chalicelib.services.mail import outbound
from tests.support import seed_helpdesk
from tests.unit.mail.flows import configure_rp, deliver, mail_file

REGION = "eu-north-1"
SECRET = "Zq8v" + "k3Lp9Xw2" * 6  # recognisable in any output


@pytest.fixture
def secret_arn(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with mock_aws():
        arn = boto3.client("secretsmanager", region_name=REGION).create_secret(
            Name="servit-dev-mail-secret", SecretString=SECRET
        )["ARN"]
        secret_store.forget()
        monkeypatch.setattr(models, "bind", lambda *args: None)  # no DynamoDB needed to wire
        yield arn
        secret_store.forget()


def aws_config(**env: str) -> config_module.Config:
    return config_module.load(
        {"SERVIT_STAGE": "dev", "SERVIT_IDENTITY": "cognito", "AWS_REGION": REGION,
         "SERVIT_USER_POOL_ID": f"{REGION}_x", "SERVIT_USER_POOL_CLIENT_ID": "c", **env}
    )  # fmt: skip


def count_calls(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    calls: Counter[str] = Counter()
    real = botocore.client.BaseClient._make_api_call

    def counting(client: Any, operation: str, params: dict[str, Any]) -> Any:
        calls[f"{client.meta.service_model.service_name}:{operation}"] += 1
        return real(client, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", counting)
    return calls


def test_the_secret_comes_from_secrets_manager_once_per_container(
    secret_arn: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture
) -> None:  # fmt: skip
    calls = count_calls(monkeypatch)
    caplog.set_level(logging.DEBUG)
    cfg = aws_config(SERVIT_SECRET_ARN=secret_arn)
    first = bootstrap.build(cfg)
    again = bootstrap.build(cfg)  # the container wires itself again (tests, a rebuild)
    assert first.mail.secret == again.mail.secret == SECRET.encode()
    assert calls["secretsmanager:GetSecretValue"] == 1
    out = capsys.readouterr()
    # Even with DEBUG on everywhere (botocore logs response bodies at DEBUG).
    assert SECRET not in out.out + out.err + caplog.text


def test_in_aws_a_secret_in_a_plain_environment_variable_is_refused(secret_arn: str) -> None:
    with pytest.raises(RuntimeError, match="SERVIT_SECRET_ARN"):
        bootstrap.build(aws_config(SERVIT_SECRET=SECRET))


def test_a_secret_too_short_to_sign_with_is_refused(secret_arn: str) -> None:
    boto3.client("secretsmanager", region_name=REGION).put_secret_value(
        SecretId=secret_arn, SecretString="short"
    )
    with pytest.raises(RuntimeError) as refused:
        bootstrap.build(aws_config(SERVIT_SECRET_ARN=secret_arn))
    assert "short" in str(refused.value) and "shorter" in str(refused.value)


def test_the_package_hands_the_functions_only_the_secrets_arn() -> None:
    config = config_module.load({"SERVIT_STAGE": "dev", "SERVIT_SECRET_ARN": "arn:x"})
    assert (config.secret, config.secret_arn) == ("", "arn:x")


SENDER = "anna.andersson@kund.example.se"
BODY_LINES = ("Skrivaren på plan 3 skriver bara ut tomma sidor", "Skrivaren skriver tomma sidor")
REPLY = "Byt tonerkassetten i skrivaren på plan 3"


def test_intake_and_reply_log_no_address_no_message_text_and_no_secret(
    svc: Services, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    people = seed_helpdesk(svc)
    configure_rp(svc, "kundtjanst", auto_acknowledge=True)
    caplog.set_level(logging.DEBUG)
    # Seven requests in one hour: the acknowledgements hit the hourly cap (a logged case).
    entries = [deliver(svc, mail_file("customer_request.eml", message_id=f"r{n}@kund.example.se",
                                      subject=f"Skrivaren skriver tomma sidor {n}"))
               for n in range(7)]  # fmt: skip
    # A bounce from the customer's address, then one more acknowledgement (a logged case).
    deliver(svc, mail_file("dsn_report.eml"))
    assert outbound.may_send_automatic(svc, SENDER, svc.clock()) is False
    outbound.send_reply(svc, people["admin"], entries[0].ticket_id or "", {"text": REPLY})
    out = capsys.readouterr()
    # Messages and every field of every record (Powertools puts extra= fields on the record).
    logged = out.out + out.err + caplog.text + "".join(str(r.__dict__) for r in caplog.records)
    assert "automatic mail suppressed" in logged  # the lines that used to name the address
    for secret in (svc.mail.secret.decode(),):
        assert secret not in logged
    for text in (SENDER, "anna.andersson", "kund.example.se", "admin@example.com", REPLY,
                 *BODY_LINES):  # fmt: skip
        assert text not in logged, f"{text!r} is logged"
    assert outbound.log_ref(SENDER) in logged  # what the lines say instead
