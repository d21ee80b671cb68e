#!/usr/bin/env bash
# Build the deployable CloudFormation (SAM) template and the Lambda bundle, then lint it.
#
#   infra/package.sh [OUT_DIR]      (or OUT_DIR=... infra/package.sh; default: out)
#
# Writes OUT_DIR/sam.json and OUT_DIR/deployment.zip. infra/resources.json is committed and
# not regenerated here (run infra/gen_resources.py; a test fails while it is stale).
# Deploy: aws cloudformation package --template-file OUT_DIR/sam.json --s3-bucket <bucket>
#           --output-template-file OUT_DIR/packaged.json
#         aws cloudformation deploy --template-file OUT_DIR/packaged.json --stack-name servit-dev
#           --capabilities CAPABILITY_IAM CAPABILITY_AUTO_EXPAND
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT_DIR="${1:-${OUT_DIR:-out}}"
VENV="${VENV:-$ROOT/.venv}"
cd "$ROOT"
mkdir -p "$OUT_DIR"
OUT_DIR="$(cd "$OUT_DIR" && pwd)"

# Chalice deploys only app.py, chalicelib/ and vendor/; vendor/'s contents land at the bundle
# root, so templates/ must travel as vendor/templates/. Copy beside, then swap, so a run in
# parallel never packages a half-copied folder.
mkdir -p vendor
staging="$(mktemp -d "vendor/.templates.XXXXXX")"
trap 'rm -rf "$staging"' EXIT
chmod 755 "$staging"
cp -R templates/. "$staging/"
rm -rf vendor/templates
mv "$staging" vendor/templates

# `chalice package` needs a region to name service principals, but no credentials.
export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-eu-north-1}"
export AWS_EC2_METADATA_DISABLED=true
"$VENV/bin/chalice" package --stage dev --pkg-format cloudformation \
  --template-format json --merge-template infra/resources.json "$OUT_DIR"

# Zero findings: cfn-lint exits non-zero on any error or warning.
"$VENV/bin/cfn-lint" "$OUT_DIR/sam.json"
echo "packaged and linted: $OUT_DIR/sam.json $OUT_DIR/deployment.zip"
