#!/usr/bin/env bash
# Create or update one ServIT stack in the AWS account of the current AWS CLI credentials:
# package, upload to S3, deploy, publish the agent UI, print the stack's outputs.
#
#   infra/deploy.sh STACK BUCKET [Key=Value ...]
#   make deploy STACK=servit-prod BUCKET=my-artifacts [STAGE=prod] [PARAMS="Key=Value ..."]
#
# STACK   CloudFormation stack name (e.g. servit-prod).
# BUCKET  an existing S3 bucket in the same region for the bundle and the template (the
#         template is over CloudFormation's 51,200-byte inline limit).
# STAGE   (environment) names every resource servit-<STAGE>-...; default: STACK without its
#         "servit-" prefix. 1-16 lower-case letters and digits. Fixed for a stack's lifetime.
# Key=Value  further stack parameters (README "Deploy": MailDomain, PublicUrl, ...). On an
#         update, parameters not given keep their current values.
# SKIP_WEB=1 skips the agent UI; OUT_DIR (default out/STACK) is where the package is built.
# REUSE_PACKAGE=1 deploys the package already in OUT_DIR (infra/package.sh's output) as it is.
#
# WAF (EnableWaf=auto|true|false; auto, the default: on when the stage is prod): the stack
# puts a REGIONAL web ACL on the API itself. CloudFront's web ACL must live in us-east-1, so
# this script deploys infra/waf-cloudfront.json there as stack "STACK-waf" (with WafRateLimit
# and WafLoginRateLimit if given) and passes its ARN as CloudFrontWebAclArn. With WAF off it
# passes CloudFrontWebAclArn= (empty: the distribution has none); the us-east-1 stack of an
# earlier deploy stays until deleted. CloudFrontWebAclArn=... given here: that ACL is used and
# no us-east-1 stack is touched.
set -euo pipefail

usage() {
  echo "usage: infra/deploy.sh STACK BUCKET [Key=Value ...]   (STAGE=... in the environment)" >&2
  exit 2
}
[ "$#" -ge 2 ] || usage
stack="$1"
bucket="$2"
shift 2
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
stage="${STAGE:-${stack#servit-}}"
if ! [[ "$stage" =~ ^[a-z][a-z0-9]{0,15}$ ]]; then
  echo "stage '$stage' is not 1-16 lower-case letters and digits; set STAGE=..." >&2
  exit 2
fi
enable_waf=""
given_acl=0
waf_overrides=()
for parameter in "$@"; do
  case "$parameter" in
    Stage=*) echo "give the stage as STAGE=..., not as a parameter" >&2; exit 2 ;;
    EnableWaf=auto | EnableWaf=true | EnableWaf=false) enable_waf="${parameter#*=}" ;;
    EnableWaf=*) echo "EnableWaf is auto, true or false, not '${parameter#*=}'" >&2; exit 2 ;;
    CloudFrontWebAclArn=*) given_acl=1 ;;
    WafRateLimit=* | WafLoginRateLimit=*) waf_overrides+=("$parameter") ;;
    *=*) ;;
    *) echo "parameter '$parameter' is not Key=Value" >&2; exit 2 ;;
  esac
done
OUT_DIR="${OUT_DIR:-out/$stack}"

# An existing stack keeps its stage: a new one would rename (replace) every resource.
if current="$(aws cloudformation describe-stacks --stack-name "$stack" \
    --query "Stacks[0].Parameters[?ParameterKey=='Stage'].ParameterValue" --output text 2>/dev/null)"; then
  exists=1
  if [ "$current" != "$stage" ]; then
    echo "stack $stack has Stage=$current; refusing to change it to $stage" >&2
    exit 1
  fi
else
  exists=0
fi

# EnableWaf not given: an existing stack keeps its value, a new one gets the default (auto).
if [ -z "$enable_waf" ] && [ "$exists" = 1 ]; then
  enable_waf="$(aws cloudformation describe-stacks --stack-name "$stack" \
    --query "Stacks[0].Parameters[?ParameterKey=='EnableWaf'].ParameterValue" --output text)"
fi
case "$enable_waf" in
  true) waf=1 ;;
  false) waf=0 ;;
  *) if [ "$stage" = prod ]; then waf=1; else waf=0; fi ;;  # auto, or a stack from before
esac

if [ "${REUSE_PACKAGE:-0}" = 1 ] && [ -f "$OUT_DIR/sam.json" ] && [ -f "$OUT_DIR/deployment.zip" ]; then
  echo "deploying the package in $OUT_DIR as it is (REUSE_PACKAGE=1)"
else
  bash infra/package.sh "$OUT_DIR"
fi
aws cloudformation package --template-file "$OUT_DIR/sam.json" --s3-bucket "$bucket" \
  --s3-prefix "$stack" --use-json --output-template-file "$OUT_DIR/packaged.json"

overrides=("Stage=$stage" "$@")
if [ "$given_acl" = 0 ] && [ "$waf" = 1 ]; then
  # CLOUDFRONT-scope web ACLs exist only in us-east-1, whatever the stack's region.
  waf_stack="$stack-waf"
  aws cloudformation deploy --region us-east-1 --template-file infra/waf-cloudfront.json \
    --stack-name "$waf_stack" --no-fail-on-empty-changeset \
    --parameter-overrides "Stage=$stage" ${waf_overrides[@]+"${waf_overrides[@]}"}
  acl="$(aws cloudformation describe-stacks --region us-east-1 --stack-name "$waf_stack" \
    --query "Stacks[0].Outputs[?OutputKey=='WebAclArn'].OutputValue" --output text)"
  overrides+=("CloudFrontWebAclArn=$acl")
  echo "CloudFront web ACL (us-east-1, stack $waf_stack): $acl"
elif [ "$given_acl" = 0 ]; then
  overrides+=("CloudFrontWebAclArn=")
fi
# A template that still takes the mail signing secret as a parameter: invent it once.
takes_secret="$("${VENV:-$ROOT/.venv}/bin/python" -c 'import json, sys
print("MailSecret" in json.load(open(sys.argv[1]))["Parameters"])' "$OUT_DIR/sam.json")"
if [ "$exists" = 0 ] && [ "$takes_secret" = True ] \
    && ! printf '%s\n' "$@" | grep -q '^MailSecret='; then
  overrides+=("MailSecret=$(openssl rand -hex 32)")
fi
aws cloudformation deploy --template-file "$OUT_DIR/packaged.json" --stack-name "$stack" \
  --s3-bucket "$bucket" --s3-prefix "$stack" \
  --capabilities CAPABILITY_IAM CAPABILITY_AUTO_EXPAND \
  --no-fail-on-empty-changeset --parameter-overrides "${overrides[@]}"

if [ "${SKIP_WEB:-0}" != 1 ]; then
  bash infra/deploy-web.sh "$stack"
fi
aws cloudformation describe-stacks --stack-name "$stack" --query "Stacks[0].Outputs" --output table
echo "deployed $stack (Stage=$stage, WAF $([ "$waf" = 1 ] && echo on || echo off))"
