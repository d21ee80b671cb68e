#!/usr/bin/env bash
# Build the deployable CloudFormation (SAM) template and the Lambda bundle, then lint it.
#
#   infra/package.sh [OUT_DIR]      (or OUT_DIR=... infra/package.sh; default: out)
#
# Writes OUT_DIR/sam.json and OUT_DIR/deployment.zip, and OUT_DIR/expanded.json: the same
# template after the SAM transform, as CloudFormation sees it; OUT_DIR/bundle.json: the
# bundle's size before and after infra/bundle.py trimmed it and added bytecode. One package
# serves every stack and stage (the stack's Stage parameter names the resources). infra/resources.json is
# committed and not regenerated here (run infra/gen_resources.py; a test fails while stale).
# Deploy: infra/deploy.sh (make deploy STACK=... BUCKET=...), see README "Deploy".
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
"$VENV/bin/chalice" package --stage aws --pkg-format cloudformation \
  --template-format json --merge-template infra/resources.json "$OUT_DIR"
# The REST API names the API function by name, not by reference (no dependency cycle), and
# the login routes get their own throttling.
"$VENV/bin/python" infra/package_finish.py "$OUT_DIR/sam.json"
# The bundle: only the botocore models the functions use, no tests or stubs, and bytecode
# from this Python (it must be the runtime's version: checked). Writes OUT_DIR/bundle.json.
"$VENV/bin/python" infra/bundle.py "$OUT_DIR/sam.json" "$OUT_DIR/deployment.zip"
# What CloudFormation gets after the SAM transform: only this shows cycles between resources.
"$VENV/bin/python" infra/expand.py "$OUT_DIR/sam.json" "$OUT_DIR/expanded.json"

# Zero findings: cfn-lint exits non-zero on any error or warning. waf-cloudfront.json is the
# us-east-1 stack infra/deploy.sh adds when WAF is on.
"$VENV/bin/cfn-lint" "$OUT_DIR/sam.json" "$OUT_DIR/expanded.json" infra/waf-cloudfront.json
echo "packaged and linted: $OUT_DIR/sam.json (expanded: $OUT_DIR/expanded.json) $OUT_DIR/deployment.zip"
