"""infra/deploy.sh, infra/deploy-web.sh and infra/create-admin.sh, offline: a fake `aws` on
PATH records every call (and answers the few questions the scripts ask); the first admin is
created in moto's Cognito and DynamoDB."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from infra import create_admin, gen_resources

pytestmark = pytest.mark.infra

ROOT = Path(__file__).resolve().parents[2]
REGION = "eu-north-1"

FAKE_AWS = r"""#!/usr/bin/env python3
import json, os, shutil, sys
args = sys.argv[1:]
with open(os.environ["FAKE_AWS_LOG"], "a") as log:
    log.write(json.dumps(args) + "\n")
def value(flag):
    return args[args.index(flag) + 1]
if args[:2] == ["cloudformation", "describe-stacks"]:
    query = value("--query") if "--query" in args else ""
    state = os.environ["FAKE_AWS_LOG"] + ".stage"  # written by a deploy
    stage = os.environ.get("FAKE_STACK_STAGE")
    if stage is None and os.path.exists(state):
        stage = open(state).read()
    if stage is None:
        print("An error occurred (ValidationError): Stack with id x does not exist", file=sys.stderr)
        sys.exit(254)
    if "ParameterKey=='Stage'" in query:
        print(stage)
    elif "ParameterKey=='" in query:  # FAKE_PARAM_<key>, as the CLI prints a missing one
        print(os.environ.get("FAKE_PARAM_" + query.split("ParameterKey=='")[1].split("'")[0], "None"))
    elif "OutputKey==" in query:
        print("fake-" + query.split("OutputKey=='")[1].split("'")[0])
    else:
        print("outputs table")
elif args[:2] == ["cloudformation", "package"]:
    shutil.copy(value("--template-file"), value("--output-template-file"))
elif args[:2] == ["cloudformation", "deploy"]:
    os.environ.get("FAKE_DEPLOY_FAILS") and sys.exit(255)
    overrides = args[args.index("--parameter-overrides") + 1:]
    stage = [o.split("=", 1)[1] for o in overrides if o.startswith("Stage=")][0]
    open(os.environ["FAKE_AWS_LOG"] + ".stage", "w").write(stage)
"""


@pytest.fixture
def fake_aws(tmp_path: Path) -> dict[str, str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    aws = bin_dir / "aws"
    aws.write_text(FAKE_AWS.replace("python3", sys.executable, 1))
    aws.chmod(0o755)
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "index.html").write_text("<!doctype html>")
    env = {k: v for k, v in os.environ.items() if k not in ("STAGE", "FAKE_STACK_STAGE")}
    return {
        **env,
        "PATH": f"{bin_dir}{os.pathsep}{env['PATH']}",
        "FAKE_AWS_LOG": str(tmp_path / "aws.log"),
        "OUT_DIR": str(tmp_path / "out"),
        "WEB_DIST": str(dist),
        "SKIP_WEB_BUILD": "1",
    }


def calls(env: dict[str, str]) -> list[list[str]]:
    log = Path(env["FAKE_AWS_LOG"])
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def run(script: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(ROOT / "infra" / script), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def after(args: list[str], flag: str) -> str:
    return args[args.index(flag) + 1]


def test_a_new_stack_is_packaged_uploaded_deployed_and_its_ui_published(
    fake_aws: dict[str, str],
) -> None:
    # When a stack that does not exist yet is deployed
    result = run(
        "deploy.sh",
        "servit-prod",
        "acme-artifacts",
        "MailDomain=support.example.com",
        "AlarmEmail=ops@example.com",
        env=fake_aws,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    made = calls(fake_aws)
    commands = [" ".join(c[:2]) for c in made]

    # Then it is packaged to the bucket, its CloudFront web ACL deployed in us-east-1 (prod:
    # WAF on), the stack deployed from the bucket, and the UI goes up
    assert commands == [
        "cloudformation describe-stacks",
        "cloudformation package",
        "cloudformation deploy",
        "cloudformation describe-stacks",
        "cloudformation deploy",
        "cloudformation describe-stacks",
        "cloudformation describe-stacks",
        "s3 sync",
        "s3 cp",
        "s3 cp",
        "cloudfront create-invalidation",
        "cloudformation describe-stacks",
        "cloudformation describe-stacks",
    ]
    package, deploy = made[1], made[4]
    assert after(package, "--s3-bucket") == "acme-artifacts"
    assert after(package, "--template-file").endswith("/sam.json")
    assert after(deploy, "--stack-name") == "servit-prod"
    assert after(deploy, "--s3-bucket") == "acme-artifacts"  # the template is over 51,200 B
    assert after(deploy, "--template-file") == after(package, "--output-template-file")
    capabilities = deploy[deploy.index("--capabilities") + 1 :][:2]
    assert capabilities == ["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"]
    overrides = deploy[deploy.index("--parameter-overrides") + 1 :]
    # the stage comes from the stack's name, the rest as given, then the CloudFront ACL
    assert overrides[:4] == [
        "Stage=prod",
        "MailDomain=support.example.com",
        "AlarmEmail=ops@example.com",
        "CloudFrontWebAclArn=fake-WebAclArn",
    ]
    assert "--region" not in deploy  # the stack's own region
    sam = json.loads((Path(fake_aws["OUT_DIR"]) / "sam.json").read_text())
    # a signing secret is made up only while the template still takes it as a parameter
    made_up = any(o.startswith("MailSecret=") for o in overrides)
    assert made_up == ("MailSecret" in sam["Parameters"])
    assert made[7][2:4] == [fake_aws["WEB_DIST"], "s3://fake-WebBucketName"]
    assert after(made[10], "--distribution-id") == "fake-WebDistributionId"
    assert json.loads((Path(fake_aws["WEB_DIST"]) / "config.json").read_text()) == {"apiBase": ""}
    assert (Path(fake_aws["OUT_DIR"]) / "expanded.json").exists()


@pytest.fixture
def prebuilt(fake_aws: dict[str, str], packaged: Path, tmp_path: Path) -> dict[str, str]:
    """The session's package (tests/infra/conftest.py), deployed as it is: no packaging."""
    out = tmp_path / "prebuilt"
    out.mkdir()
    for name in ("sam.json", "deployment.zip"):
        (out / name).symlink_to(packaged / name)
    return {**fake_aws, "OUT_DIR": str(out), "REUSE_PACKAGE": "1", "SKIP_WEB": "1"}


def test_with_waf_on_the_cloudfront_web_acl_is_deployed_in_us_east_1_first(
    prebuilt: dict[str, str],
) -> None:
    # When a test stack is deployed with WAF asked for, and a rate limit given
    env = prebuilt
    result = run(
        "deploy.sh",
        "servit-test",
        "acme-artifacts",
        "EnableWaf=true",
        "WafRateLimit=500",
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    made = calls(env)
    deploys = [c for c in made if c[:2] == ["cloudformation", "deploy"]]
    waf, main = deploys

    # Then the WAF template goes to us-east-1 as its own stack, with the stage and the limit
    assert after(waf, "--region") == "us-east-1"
    assert after(waf, "--stack-name") == "servit-test-waf"
    assert after(waf, "--template-file") == "infra/waf-cloudfront.json"
    assert waf[waf.index("--parameter-overrides") + 1 :] == ["Stage=test", "WafRateLimit=500"]
    template = json.loads((ROOT / "infra" / "waf-cloudfront.json").read_text())
    assert set(template["Parameters"]) == {"Stage", "WafRateLimit", "WafLoginRateLimit"}
    # and its ARN (the stack output, read from us-east-1) reaches the main stack
    (read,) = [
        c for c in made if c[:2] == ["cloudformation", "describe-stacks"] and "--region" in c
    ]
    assert after(read, "--region") == "us-east-1" and "WebAclArn" in after(read, "--query")
    assert made.index(read) < made.index(main)
    overrides = main[main.index("--parameter-overrides") + 1 :]
    assert overrides == [
        "Stage=test",
        "EnableWaf=true",
        "WafRateLimit=500",
        "CloudFrontWebAclArn=fake-WebAclArn",
    ]


@pytest.mark.parametrize(
    ("stack", "params", "existing", "waf"),
    [
        ("servit-test", [], {}, False),  # auto: off but for prod
        ("servit-prod", ["EnableWaf=false"], {}, False),
        ("servit-prod", [], {"FAKE_STACK_STAGE": "prod", "FAKE_PARAM_EnableWaf": "false"}, False),
        ("servit-test", [], {"FAKE_STACK_STAGE": "test", "FAKE_PARAM_EnableWaf": "true"}, True),
        ("servit-prod", [], {"FAKE_STACK_STAGE": "prod"}, True),  # a stack from before WAF
        ("servit-prod", ["CloudFrontWebAclArn=arn:aws:wafv2:own"], {}, None),
    ],
)
def test_the_waf_step_runs_only_when_waf_is_on_and_no_acl_is_given(
    prebuilt: dict[str, str],
    stack: str,
    params: list[str],
    existing: dict[str, str],
    waf: bool | None,
) -> None:
    env = {**prebuilt, **existing}
    result = run("deploy.sh", stack, "acme-artifacts", *params, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    made = calls(env)
    in_us_east_1 = [c for c in made if "--region" in c]
    main = next(c for c in made if c[:2] == ["cloudformation", "deploy"] and "--region" not in c)
    overrides = main[main.index("--parameter-overrides") + 1 :]
    acl = [o for o in overrides if o.startswith("CloudFrontWebAclArn=")]
    if waf is None:  # an ACL of one's own: used as given, nothing in us-east-1
        assert not in_us_east_1 and acl == ["CloudFrontWebAclArn=arn:aws:wafv2:own"]
    elif waf:
        assert len(in_us_east_1) == 2 and acl == ["CloudFrontWebAclArn=fake-WebAclArn"]
    else:  # off: the distribution loses any ACL an earlier deploy gave it
        assert not in_us_east_1 and acl == ["CloudFrontWebAclArn="]


def test_an_existing_stack_keeps_its_stage(fake_aws: dict[str, str]) -> None:
    env = {**fake_aws, "FAKE_STACK_STAGE": "test", "STAGE": "prod"}
    result = run("deploy.sh", "servit-test", "acme-artifacts", env=env)
    assert result.returncode == 1
    assert "Stage=test" in result.stderr
    assert [" ".join(c[:2]) for c in calls(env)] == ["cloudformation describe-stacks"]


@pytest.mark.parametrize(
    ("stack", "stage", "params"),
    [
        ("servit-pre-prod", None, []),  # the stage would be "pre-prod": no hyphens
        ("helpdesk", "Prod", []),
        ("servit-prod", None, ["Stage=dev"]),
        ("servit-prod", None, ["MailDomain"]),
        ("servit-prod", None, ["EnableWaf=yes"]),
    ],
)
def test_bad_stages_and_parameters_are_refused_before_anything_is_called(
    fake_aws: dict[str, str], stack: str, stage: str | None, params: list[str]
) -> None:
    env = {**fake_aws, **({"STAGE": stage} if stage else {})}
    result = run("deploy.sh", stack, "acme-artifacts", *params, env=env)
    assert result.returncode == 2, result.stderr
    assert calls(env) == []


def test_the_deploy_stops_when_cloudformation_fails(fake_aws: dict[str, str]) -> None:
    env = {**fake_aws, "FAKE_DEPLOY_FAILS": "1", "SKIP_WEB": "1"}
    result = run("deploy.sh", "servit-prod", "acme-artifacts", env=env)
    assert result.returncode != 0
    assert [" ".join(c[:2]) for c in calls(env)][-1] == "cloudformation deploy"


def test_the_makefile_passes_stack_bucket_stage_and_params_to_the_deploy_script() -> None:
    result = subprocess.run(
        ["make", "-n", "deploy", "STACK=servit-prod", "BUCKET=b", "STAGE=prod",
         "PARAMS=MailDomain=x.example"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "STAGE=prod" in result.stdout
    assert "infra/deploy.sh servit-prod b MailDomain=x.example" in result.stdout


def test_the_scripts_parse(tmp_path: Path) -> None:
    for script in ("deploy.sh", "deploy-web.sh", "create-admin.sh", "package.sh"):
        path = ROOT / "infra" / script
        assert subprocess.run(["bash", "-n", str(path)]).returncode == 0, script
        assert os.access(path, os.X_OK), script


@mock_aws
def test_create_admin_makes_the_login_and_the_user_record() -> None:
    # Given a stack (Stage "test") with its user pool, groups and Config table
    cognito = boto3.client("cognito-idp", region_name=REGION)
    pool = cognito.create_user_pool(PoolName="servit-test-agents")["UserPool"]["Id"]
    for group in gen_resources.ROLE_GROUPS:
        cognito.create_group(GroupName=group, UserPoolId=pool)
    config_table: dict[str, Any] = gen_resources.tables()["ConfigTable"]
    template = {
        "Parameters": {"Stage": {"Type": "String"}, "Pool": {"Type": "String"}},
        "Resources": {"ConfigTable": config_table},
        "Outputs": {"UserPoolId": {"Value": {"Ref": "Pool"}}},
    }
    boto3.client("cloudformation", region_name=REGION).create_stack(
        StackName="servit-test",
        TemplateBody=json.dumps(template),
        Parameters=[
            {"ParameterKey": "Stage", "ParameterValue": "test"},
            {"ParameterKey": "Pool", "ParameterValue": pool},
        ],
    )

    # When the first admin is created
    password = create_admin.generated_password()
    create_admin.create_admin(
        "servit-test", "boss@example.com", "Ada Admin", "ada", password, region=REGION
    )

    # Then Cognito knows the login, in group admin, and ServIT the user, as admin
    user = cognito.admin_get_user(UserPoolId=pool, Username="ada")
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert attributes["email"] == "boss@example.com"
    groups = cognito.admin_list_groups_for_user(UserPoolId=pool, Username="ada")["Groups"]
    assert [g["GroupName"] for g in groups] == ["admin"]
    item = boto3.client("dynamodb", region_name=REGION).scan(TableName="servit-test-Config")
    (record,) = item["Items"]
    assert "ada" in json.dumps(record) and "admin" in json.dumps(record)


def test_generated_passwords_meet_the_user_pools_policy() -> None:
    policy = gen_resources.user_pool()["UserPool"]["Properties"]["Policies"]["PasswordPolicy"]
    for _ in range(50):
        password = create_admin.generated_password()
        assert len(password) >= policy["MinimumLength"]
        assert any(c.islower() for c in password) and any(c.isupper() for c in password)
        assert any(c.isdigit() for c in password)
        assert any(not c.isalnum() for c in password)
