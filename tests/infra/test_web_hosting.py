"""The agent UI in AWS: one CloudFront origin for UI, API and portal, with the local CSP."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from local.web_proxy import UI_CSP

ROOT = Path(__file__).resolve().parents[2]


def resources() -> dict[str, Any]:
    return json.loads((ROOT / "infra" / "resources.json").read_text())["Resources"]  # type: ignore[no-any-return]


def test_cloudfront_sends_the_same_strict_csp_as_the_local_front_door() -> None:
    policy = resources()["WebHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]
    csp = policy["SecurityHeadersConfig"]["ContentSecurityPolicy"]
    # Issue 15: beside 'self', the browser may connect to this stack's WebSocket API alone.
    wss = "wss://${WebsocketAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}"
    expected = UI_CSP.replace("connect-src 'self';", f"connect-src 'self' {wss};")
    assert expected != UI_CSP
    assert csp == {"ContentSecurityPolicy": {"Fn::Sub": expected}, "Override": True}
    assert "'unsafe-inline'" not in UI_CSP.split("script-src")[1].split(";")[0]


def test_api_and_portal_share_the_uis_origin_and_are_never_cached() -> None:
    config = resources()["WebDistribution"]["Properties"]["DistributionConfig"]
    behaviours = {b["PathPattern"]: b for b in config["CacheBehaviors"]}
    for pattern in ("/api/*", "/portal/*", "/forms/*", "/webhooks/*"):
        assert behaviours[pattern]["TargetOriginId"] == "api"
        assert behaviours[pattern]["CachePolicyId"] == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
    origins = {o["Id"]: o for o in config["Origins"]}
    assert origins["api"]["OriginPath"] == "/api"
    assert config["DefaultCacheBehavior"]["ResponseHeadersPolicyId"] == {"Ref": "WebHeadersPolicy"}


def test_the_ui_bucket_is_private_and_readable_only_by_the_distribution() -> None:
    bucket = resources()["WebBucket"]["Properties"]
    assert set(bucket["PublicAccessBlockConfiguration"].values()) == {True}
    (statement,) = resources()["WebBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert "AWS:SourceArn" in statement["Condition"]["StringEquals"]


def test_the_ui_reads_its_api_base_from_a_config_file_written_at_deploy() -> None:
    script = (ROOT / "infra" / "deploy-web.sh").read_text()
    assert "web/dist/config.json" in script and "apiBase" in script
    assert json.loads((ROOT / "web" / "public" / "config.json").read_text()) == {"apiBase": ""}
