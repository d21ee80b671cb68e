"""Webhooks of Facebook Messenger and X direct messages, and the admin's social accounts.

The webhooks carry no login: the platform's HMAC signature over the raw body is the
authentication, checked before the body is even parsed; unsigned or badly signed requests
get 401 and nothing is filed. ``GET`` answers each platform's handshake (Facebook's
``hub.challenge``, X's CRC). A verified delivery answers 200 once its messages are filed
(again on a redelivery: filing is idempotent), so the platform stops retrying."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools import Logger
from chalice.app import Blueprint, Response

from chalicelib.api.routing import Call, endpoint
from chalicelib.channels.social import facebook, x
from chalicelib.domain.errors import (
    AuthenticationError,
    BadRequestError,
    PermissionDeniedError,
    UnavailableError,
)
from chalicelib.services.social import accounts, intake
from chalicelib.services.social.keys import SocialKeys

bp = Blueprint(__name__)
logger = Logger(service="servit-social")


def _keys(call: Call) -> SocialKeys:
    source = call.svc.social_keys
    if source is None:
        raise UnavailableError("the social channels are not set up here")
    return source.keys()


def _json_body(call: Call) -> Any:
    try:
        return json.loads(call.raw_body)
    except (ValueError, RecursionError):
        raise BadRequestError("the body is not valid JSON") from None


def _filed(call: Call, parsed: facebook.Parsed | x.Parsed | None) -> dict[str, Any]:
    if parsed is None:
        return {"filed": 0, "duplicates": 0}
    outcomes = intake.receive(call.svc, parsed.messages)
    return {
        "filed": sum(1 for o in outcomes if o.outcome != "duplicate"),
        "duplicates": sum(1 for o in outcomes if o.outcome == "duplicate"),
    }


@endpoint(bp, "/webhooks/facebook", ["GET"], auth=False)
def facebook_handshake(call: Call) -> Response:
    challenge = facebook.subscription_challenge(call.query, _keys(call).facebook_verify_token)
    if challenge is None:
        raise PermissionDeniedError("the verify token does not match", code="verify_token_mismatch")
    return Response(body=challenge, status_code=200, headers={"Content-Type": "text/plain"})


@endpoint(bp, "/webhooks/facebook", ["POST"], auth=False)
def facebook_messages(call: Call) -> dict[str, Any]:
    header = call.headers.get(facebook.SIGNATURE_HEADER)
    if not facebook.signature_valid(_keys(call).facebook_app_secret, call.raw_body, header):
        logger.warning("facebook webhook refused", extra={"signed": header is not None})
        raise AuthenticationError(
            "the request is not signed with our app secret (X-Hub-Signature-256)",
            code="bad_signature",
        )
    return _filed(call, facebook.parse(_json_body(call)))


@endpoint(bp, "/webhooks/x", ["GET"], auth=False)
def x_crc(call: Call) -> dict[str, str]:
    token = call.query.get("crc_token") or ""
    if not token:
        raise BadRequestError("crc_token is missing")
    secret = _keys(call).x_consumer_secret
    if not secret:
        raise UnavailableError("the X consumer secret is not set up")
    return x.crc_response(secret, token)


@endpoint(bp, "/webhooks/x", ["POST"], auth=False)
def x_messages(call: Call) -> dict[str, Any]:
    header = call.headers.get(x.SIGNATURE_HEADER)
    if not x.signature_valid(_keys(call).x_consumer_secret, call.raw_body, header):
        logger.warning("x webhook refused", extra={"signed": header is not None})
        raise AuthenticationError(
            "the request is not signed with our consumer secret (x-twitter-webhooks-signature)",
            code="bad_signature",
        )
    return _filed(call, x.parse(_json_body(call)))


@endpoint(bp, "/api/admin/social-accounts", ["GET"])
def list_social_accounts(call: Call) -> dict[str, Any]:
    return {"items": accounts.list_accounts(call.svc, call.actor)}


@endpoint(bp, "/api/admin/social-accounts", ["POST"], status=201)
def create_social_account(call: Call) -> dict[str, Any]:
    return accounts.create_account(call.svc, call.actor, call.body())


@endpoint(bp, "/api/admin/social-accounts/{account_key}", ["PUT"])
def update_social_account(call: Call) -> dict[str, Any]:
    return accounts.update_account(call.svc, call.actor, call.params["account_key"], call.body())


@endpoint(bp, "/api/admin/social-accounts/{account_key}", ["DELETE"], status=204)
def delete_social_account(call: Call) -> Response:
    accounts.delete_account(call.svc, call.actor, call.params["account_key"])
    return Response(body="", status_code=204)
