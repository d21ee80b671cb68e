"""The deployed tables are the pynamodb models' tables, and resources.json is up to date."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.adapters.dynamodb.models import ALL_MODELS, LOGICAL_NAMES, TicketModel
from chalicelib.adapters.dynamodb.tables import all_specs, table_spec
from infra import gen_resources

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "infra" / "resources.json"
# Properties infra adds to a model's table; everything else must come from the model.
INFRA_ONLY = {
    "TableName",
    "PointInTimeRecoverySpecification",
    "SSESpecification",
    "TimeToLiveSpecification",
    "DeletionProtectionEnabled",
}


def committed() -> dict[str, Any]:
    return json.loads(RESOURCES.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def tables_by_logical_name(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    tables = {}
    for resource in template["Resources"].values():
        if resource.get("Type") == "AWS::DynamoDB::Table":
            name = resource["Properties"]["TableName"]["Fn::Sub"]
            tables[name.removeprefix("servit-${Stage}-")] = resource["Properties"]
    return tables


def model_part(props: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in props.items() if key not in INFRA_ONLY}


def test_every_model_has_exactly_one_table_in_the_template() -> None:
    assert sorted(tables_by_logical_name(committed())) == sorted(all_specs())


@pytest.mark.parametrize("logical", sorted(all_specs()))
def test_table_has_the_models_keys_attributes_indexes_and_stream(logical: str) -> None:
    deployed = tables_by_logical_name(committed())[logical]

    assert model_part(deployed) == all_specs()[logical]


def test_table_names_follow_the_prefix_the_app_reads() -> None:
    # Given the prefix the stack gives every function (from its Stage parameter)
    (variables,) = {
        json.dumps(resource["Properties"]["Environment"]["Variables"]["SERVIT_TABLE_PREFIX"])
        for logical_id, resource in committed()["Resources"].items()
        if logical_id in gen_resources.FUNCTIONS
    }
    prefix = json.loads(variables)["Fn::Sub"]
    # Then every table is "<prefix><Logical>" whatever the stage
    for logical, props in tables_by_logical_name(committed()).items():
        assert props["TableName"]["Fn::Sub"] == f"{prefix}{logical}"


def test_a_new_index_on_a_model_no_longer_matches_the_committed_table() -> None:
    # Given the Tickets model with one more index
    class ByTitle(GlobalSecondaryIndex[Any]):
        class Meta:
            index_name = "by_title"
            projection = AllProjection()

        title = UnicodeAttribute(hash_key=True)

    class ChangedTicketModel(TicketModel):
        by_title = ByTitle()

    # Then its table differs from the deployed one, so the tests above would fail
    deployed = tables_by_logical_name(committed())["Tickets"]
    assert model_part(deployed) == table_spec(TicketModel)
    assert model_part(deployed) != table_spec(ChangedTicketModel)


def test_committed_template_is_what_gen_resources_writes() -> None:
    expected = gen_resources.render(gen_resources.build_template())

    assert RESOURCES.read_text(encoding="utf-8") == expected, (
        "infra/resources.json is stale: run .venv/bin/python infra/gen_resources.py"
    )


def test_ttl_is_on_tickets_history_config_counters_and_notifications_and_is_a_number() -> None:
    tables = tables_by_logical_name(committed())
    with_ttl = {name for name, props in tables.items() if "TimeToLiveSpecification" in props}
    assert with_ttl == {"Tickets", "TicketEvents", "Config", "Notifications"}
    for name in with_ttl:
        assert tables[name]["TimeToLiveSpecification"] == {
            "AttributeName": "expires_at",
            "Enabled": True,
        }
    # DynamoDB ignores a TTL that is not a Number of epoch seconds: items would never expire.
    for model in ALL_MODELS:
        attribute = model.get_attributes().get("expires_at")
        if LOGICAL_NAMES[model] in with_ttl and attribute is not None:
            assert isinstance(attribute, NumberAttribute), model.__name__


def test_tables_keep_their_data_point_in_time_encrypted_and_on_stack_deletion() -> None:
    for resource in committed()["Resources"].values():
        if resource.get("Type") != "AWS::DynamoDB::Table":
            continue
        props = resource["Properties"]
        assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
        assert props["SSESpecification"] == {"SSEEnabled": True}
        assert resource["DeletionPolicy"] == resource["UpdateReplacePolicy"] == "Retain"
        assert props["DeletionProtectionEnabled"] is True
