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
for parameter in "$@"; do
  case "$parameter" in
    Stage=*) echo "give the stage as STAGE=..., not as a parameter" >&2; exit 2 ;;
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

bash infra/package.sh "$OUT_DIR"
aws cloudformation package --template-file "$OUT_DIR/sam.json" --s3-bucket "$bucket" \
  --s3-prefix "$stack" --use-json --output-template-file "$OUT_DIR/packaged.json"

overrides=("Stage=$stage" "$@")
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
echo "deployed $stack (Stage=$stage)"
