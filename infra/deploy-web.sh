#!/usr/bin/env bash
# Publish the agent UI after the stack is deployed: build web/dist, write its config.json
# (the API is on the same CloudFront origin, so apiBase stays empty), upload, invalidate.
# Usage: infra/deploy-web.sh <stack-name>      (infra/deploy.sh runs it)
# WEB_DIST=dir SKIP_WEB_BUILD=1: publish an already built UI from dir (default: web/dist).
set -euo pipefail
stack="${1:?usage: infra/deploy-web.sh <stack-name>}"
cd "$(dirname "$0")/.."
dist="${WEB_DIST:-web/dist}"
output() {
  aws cloudformation describe-stacks --stack-name "$stack" \
    --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue" --output text
}
bucket="$(output WebBucketName)"
distribution="$(output WebDistributionId)"
if [ "${SKIP_WEB_BUILD:-0}" != 1 ]; then
  make web
fi
# web/dist/config.json
printf '{ "apiBase": "" }\n' > "$dist/config.json"
# Hashed assets can be cached for ever; index.html and config.json never.
aws s3 sync "$dist" "s3://$bucket" --delete --exclude index.html --exclude config.json \
  --cache-control "public, max-age=31536000, immutable"
aws s3 cp "$dist/index.html" "s3://$bucket/index.html" --cache-control no-cache
aws s3 cp "$dist/config.json" "s3://$bucket/config.json" --cache-control no-cache
aws cloudfront create-invalidation --distribution-id "$distribution" --paths "/index.html" "/config.json" >/dev/null
echo "agent UI published: $(output WebUrl)"
