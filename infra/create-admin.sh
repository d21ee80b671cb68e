#!/usr/bin/env bash
# The first admin of a deployed stack: Cognito login in group admin + the ServIT user record.
# Usage: infra/create-admin.sh STACK EMAIL "Full Name" [USER_ID]     (make admin ...)
# Prints the generated password once. AWS credentials and region as for the AWS CLI.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ "$#" -lt 3 ]; then
  echo 'usage: infra/create-admin.sh STACK EMAIL "Full Name" [USER_ID]' >&2
  exit 2
fi
exec "${VENV:-$ROOT/.venv}/bin/python" "$ROOT/infra/create_admin.py" "$@"
