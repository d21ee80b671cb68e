"""Live lists in AWS (issue 15), merged into the template by infra/gen_resources.py.

- The WebSocket API is Chalice's own (app.py registers ``websocket_connect`` and
  ``websocket_disconnect``; ``chalice package`` writes WebsocketAPI, its routes,
  integrations, stage "api" and the two functions). Merged here: the API's name per stage,
  and where browsers connect (SERVIT_LIVE_URL, wss://) and where the stream consumer posts
  notices (SERVIT_LIVE_ENDPOINT, https://, the management API).
- Only the stream consumer posts to connections (``PostLiveNoticesPolicy``:
  execute-api:ManageConnections on this API's stage, POST to @connections); the connect and
  disconnect functions write the Live table only (.chalice/policy-aws-websocket-*.json).
- The UI's Content-Security-Policy allows this one WebSocket origin beside 'self'.
- API Gateway closes a connection after 2 hours, or 10 minutes without a message: the UI
  sends a small keepalive every 5 minutes and reconnects (web/src/live/index.ts).
"""

from __future__ import annotations

from typing import Any

STAGE = "api"  # .chalice/config.json api_gateway_stage: Chalice's WebSocket stage too
HOST = "${WebsocketAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}"


def _sub(text: str) -> dict[str, str]:
    return {"Fn::Sub": text}


def environment() -> dict[str, Any]:
    return {
        "SERVIT_LIVE_URL": _sub(f"wss://{HOST}/{STAGE}"),
        "SERVIT_LIVE_ENDPOINT": _sub(f"https://{HOST}/{STAGE}"),
    }


def ui_csp(local_csp: str) -> dict[str, str]:
    """The local front door's CSP, with this stack's WebSocket origin allowed to connect."""
    assert "connect-src 'self';" in local_csp
    return _sub(local_csp.replace("connect-src 'self';", f"connect-src 'self' wss://{HOST};"))


def resources() -> dict[str, Any]:
    return {
        # Chalice names the API after its own stage ("servit-aws-websocket-api"): per stack.
        "WebsocketAPI": {"Properties": {"Name": _sub("servit-${Stage}-live")}},
        "PostLiveNoticesPolicy": {
            "Type": "AWS::IAM::Policy",
            "Properties": {
                "PolicyName": "PostLiveNotices",
                "Roles": [{"Ref": "TicketEventsRole"}],
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "PostToThisStacksConnections",
                            "Effect": "Allow",
                            "Action": "execute-api:ManageConnections",
                            "Resource": _sub(
                                "arn:${AWS::Partition}:execute-api:${AWS::Region}:"
                                f"${{AWS::AccountId}}:${{WebsocketAPI}}/{STAGE}/POST/@connections/*"
                            ),
                        }
                    ],
                },
            },
        },
    }


def outputs() -> dict[str, Any]:
    return {"LiveUrl": {"Value": _sub(f"wss://{HOST}/{STAGE}")}}
