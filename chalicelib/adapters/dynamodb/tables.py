"""Table definitions derived from the models, in the shape both CloudFormation
and the CreateTable API take, so that the deployed and local tables cannot drift."""

from __future__ import annotations

from typing import Any

from pynamodb.models import Model

from chalicelib.adapters.dynamodb.models import ALL_MODELS, LOGICAL_NAMES, TicketEventModel

# The history table streams new events: the outbox for side effects (DESIGN §3).
STREAMED = {TicketEventModel: "NEW_IMAGE"}


def table_spec(model: type[Model]) -> dict[str, Any]:
    """CloudFormation ``AWS::DynamoDB::Table`` properties (without TableName)."""
    schema: dict[str, Any] = dict(model._get_schema())
    spec: dict[str, Any] = {
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": sorted(
            schema["attribute_definitions"], key=lambda a: a["AttributeName"]
        ),
        "KeySchema": sorted(schema["key_schema"], key=lambda k: k["KeyType"]),
    }
    indexes = [
        {
            "IndexName": gsi["index_name"],
            "KeySchema": sorted(gsi["key_schema"], key=lambda k: k["KeyType"]),
            "Projection": gsi["projection"],
        }
        for gsi in schema["global_secondary_indexes"]
    ]
    if indexes:
        spec["GlobalSecondaryIndexes"] = sorted(indexes, key=lambda i: i["IndexName"])
    if model in STREAMED:
        spec["StreamSpecification"] = {"StreamViewType": STREAMED[model]}
    return spec


def all_specs() -> dict[str, dict[str, Any]]:
    """Logical table name -> spec."""
    return {LOGICAL_NAMES[m]: table_spec(m) for m in ALL_MODELS}


def create_missing_tables(client: Any, prefix: str) -> list[str]:
    """Create the tables that do not exist yet (local stack and tests); returns their names."""
    existing = set()
    for page in client.get_paginator("list_tables").paginate():
        existing.update(page["TableNames"])
    created = []
    for logical, spec in all_specs().items():
        name = f"{prefix}{logical}"
        if name in existing:
            continue
        kwargs = dict(spec, TableName=name)
        if "StreamSpecification" in kwargs:
            kwargs["StreamSpecification"] = dict(kwargs["StreamSpecification"], StreamEnabled=True)
        client.create_table(**kwargs)
        created.append(name)
    for name in created:
        client.get_waiter("table_exists").wait(TableName=name)
    return created
