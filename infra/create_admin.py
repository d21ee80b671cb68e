"""Create the first ServIT admin of a deployed stack: the Cognito login (group `admin`) and
the ServIT user record, the same two things `PUT /api/admin/users/{id}` writes.

    infra/create-admin.sh STACK EMAIL "Full Name" [USER_ID]

Reads the user pool and Stage from the stack (AWS credentials and region as for the AWS CLI),
prints a generated password once (Cognito's policy: 12+ characters, all four kinds). Run again
for the same id to reset that admin's password. Further users: the admin UI.
"""

from __future__ import annotations

import argparse
import secrets
import string
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def generated_password() -> str:
    """20 characters with each kind Cognito's password policy asks for."""
    kinds = [string.ascii_lowercase, string.ascii_uppercase, string.digits, "!#%+-=?@^_"]
    chars = [secrets.choice(kind) for kind in kinds]
    chars += [secrets.choice("".join(kinds)) for _ in range(16)]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


def stack_facts(cloudformation: Any, stack: str) -> dict[str, str]:
    (described,) = cloudformation.describe_stacks(StackName=stack)["Stacks"]
    facts = {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}
    for parameter in described.get("Parameters", []):
        facts[parameter["ParameterKey"]] = parameter["ParameterValue"]
    return facts


def create_admin(
    stack: str, email: str, name: str, user_id: str, password: str, region: str | None = None
) -> dict[str, Any]:
    import boto3

    from chalicelib.adapters.dynamodb.config import DynamoConfigRepository
    from chalicelib.adapters.dynamodb.models import bind
    from chalicelib.adapters.identity_cognito import CognitoIdentity
    from chalicelib.domain.organisation import Role, User
    from chalicelib.domain.records import to_record
    from chalicelib.services import directory

    session = boto3.session.Session(region_name=region)
    region = session.region_name or "eu-north-1"
    facts = stack_facts(session.client("cloudformation"), stack)
    user = User(id=user_id, email=email, name=name, roles=[Role.ADMIN])  # validates
    identity = CognitoIdentity(
        session.client("cognito-idp"),
        user_pool_id=facts["UserPoolId"],
        client_id=facts.get("UserPoolClientId", ""),
        region=region,
    )
    identity.register(user.id, user.email, [Role.ADMIN.value], password)
    bind(f"servit-{facts['Stage']}-", None, region)
    record = to_record(user)
    DynamoConfigRepository().put(directory.USER, user.id, record)
    return record


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stack", help="CloudFormation stack name, e.g. servit-prod")
    parser.add_argument("email", help="the admin's e-mail address (their login)")
    parser.add_argument("name", help="the admin's name as ServIT shows it")
    parser.add_argument("user_id", nargs="?", default="admin", help="user id (default: admin)")
    args = parser.parse_args(argv)
    password = generated_password()
    create_admin(args.stack, args.email, args.name, args.user_id, password)
    print(f"admin {args.user_id!r} ({args.email}) created in stack {args.stack}")
    print(f"password (shown once, keep it safe): {password}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
