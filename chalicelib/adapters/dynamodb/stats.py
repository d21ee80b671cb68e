"""DynamoStatsRepository (issue 14): statistics counters in the Stats table.

Day items: pk "<dimension>#<value>", sk "YYYY-MM-DD", one number per counter, moved with
ADD. Ledger items: pk "ticket#<id>", sk "ledger", ``c`` (JSON: what the ticket's history is
counted for) and ``v`` (its version). A stream change is one TransactWriteItems: the ADDs
of its delta and the ledger put on condition that ``v`` is still what was read, so a
redelivered record (its delta empty) writes nothing and a race writes once. Deltas of
more than 99 day items go in several transactions, each moving the ledger on by the part
it adds: a failure between two leaves the ledger true to the counters.
"""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.adapters.dynamodb.models import StatsModel
from chalicelib.domain.errors import ConflictError
from chalicelib.services.ports import StatsRepository

Key = tuple[str, str, str]
Counters = dict[str, int]
MAX_ITEMS = 100  # DynamoDB's limit per transaction
_KEYS = {"pk", "sk"}


def _client() -> Any:
    return StatsModel._get_connection().connection.client


def _table() -> str:
    return str(StatsModel.Meta.table_name)


def encode_ledger(ledger: dict[Key, Counters]) -> str:
    rows = sorted([d, v, day, c] for (d, v, day), c in ledger.items())
    return json.dumps(rows, separators=(",", ":"), ensure_ascii=False)


def decode_ledger(text: str) -> dict[Key, Counters]:
    return {(d, v, day): {k: int(n) for k, n in c.items()} for d, v, day, c in json.loads(text)}


def _ledger_put(ticket_id: str, ledger: dict[Key, Counters], version: int) -> dict[str, Any]:
    condition = "attribute_not_exists(pk)" if version == 0 else "v = :v"
    put: dict[str, Any] = {
        "TableName": _table(),
        "Item": {
            "pk": {"S": f"ticket#{ticket_id}"},
            "sk": {"S": "ledger"},
            "c": {"S": encode_ledger(ledger)},
            "v": {"N": str(version + 1)},
        },
        "ConditionExpression": condition,
    }
    if version:
        put["ExpressionAttributeValues"] = {":v": {"N": str(version)}}
    return {"Put": put}


def _add(key: Key, change: Counters) -> dict[str, Any]:
    dim, value, day = key
    names = {f"#a{i}": name for i, name in enumerate(sorted(change))}
    values = {f":a{i}": {"N": str(change[name])} for i, name in enumerate(sorted(change))}
    return {
        "Update": {
            "TableName": _table(),
            "Key": {"pk": {"S": f"{dim}#{value}"}, "sk": {"S": day}},
            "UpdateExpression": "ADD " + ", ".join(f"#a{i} :a{i}" for i in range(len(names))),
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
    }


def _query(condition: str, values: dict[str, Any], projection: str = "") -> list[dict[str, Any]]:
    kwargs: dict[str, Any] = {
        "TableName": _table(),
        "KeyConditionExpression": condition,
        "ExpressionAttributeValues": values,
    }
    if projection:
        kwargs["ProjectionExpression"] = projection
    items: list[dict[str, Any]] = []
    while True:
        page = _client().query(**kwargs)
        items.extend(page.get("Items", []))
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


class DynamoStatsRepository(StatsRepository):
    def ledger(self, ticket_id: str) -> tuple[dict[Key, Counters], int]:
        found = (
            _client()
            .get_item(
                TableName=_table(),
                Key={"pk": {"S": f"ticket#{ticket_id}"}, "sk": {"S": "ledger"}},
                ConsistentRead=True,
            )
            .get("Item")
        )
        if not found:
            return {}, 0
        return decode_ledger(found["c"]["S"]), int(found["v"]["N"])

    def apply(
        self, ticket_id: str, delta: dict[Key, Counters], ledger: dict[Key, Counters], version: int
    ) -> None:
        keys = sorted(delta)
        chunks = [keys[i : i + MAX_ITEMS - 1] for i in range(0, len(keys), MAX_ITEMS - 1)]
        if not chunks:
            chunks = [[]]
        before, _ = self.ledger(ticket_id) if len(chunks) > 1 else ({}, version)
        for number, chunk in enumerate(chunks):
            last = number == len(chunks) - 1
            if last:
                step = ledger
            else:  # the ledger so far plus this chunk's part
                for key in chunk:
                    merged = dict(before.get(key, {}))
                    for name, n in delta[key].items():
                        merged[name] = merged.get(name, 0) + n
                    before[key] = {k: n for k, n in merged.items() if n}
                step = {k: c for k, c in before.items() if c}
            items = [_add(key, delta[key]) for key in chunk]
            items.append(_ledger_put(ticket_id, step, version + number))
            try:
                _client().transact_write_items(TransactItems=items)
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") == "TransactionCanceledException":
                    raise ConflictError(
                        "the ticket's statistics ledger changed meanwhile"
                    ) from error
                raise

    def days(
        self, dimension: str, value: str, since: str, until: str
    ) -> list[tuple[str, Counters]]:
        found: list[tuple[str, Counters]] = []
        for item in _query(
            "pk = :pk AND sk BETWEEN :since AND :until",
            {":pk": {"S": f"{dimension}#{value}"}, ":since": {"S": since}, ":until": {"S": until}},
        ):
            counters = {k: int(v["N"]) for k, v in item.items() if k not in _KEYS and "N" in v}
            found.append((item["sk"]["S"], counters))
        return found

    def backlog_before(self, dimension: str, value: str, day: str) -> int:
        # The days before the range give only their backlog delta: a projection, so each
        # page carries a few bytes an item (the read units are the items' whole size).
        items = _query(
            "pk = :pk AND sk < :day",
            {":pk": {"S": f"{dimension}#{value}"}, ":day": {"S": day}},
            projection="backlog",
        )
        return sum(int(item["backlog"]["N"]) for item in items if "backlog" in item)

    def replace_all(
        self, counters: dict[Key, Counters], ledgers: dict[str, dict[Key, Counters]]
    ) -> None:
        """Deletes every item (a Scan: ops only) and writes the new ones in batches."""
        client = _client()
        old: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {"TableName": _table(), "ProjectionExpression": "pk, sk"}
        while True:
            page = client.scan(**kwargs)
            old.extend({"pk": i["pk"], "sk": i["sk"]} for i in page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        fresh: list[dict[str, Any]] = []
        for (dim, value, day), c in counters.items():
            item = {"pk": {"S": f"{dim}#{value}"}, "sk": {"S": day}}
            item.update({name: {"N": str(n)} for name, n in c.items() if n})
            fresh.append(item)
        for ticket_id, ledger in ledgers.items():
            fresh.append(_ledger_put(ticket_id, ledger, 0)["Put"]["Item"])
        fresh_keys = {(i["pk"]["S"], i["sk"]["S"]) for i in fresh}
        requests = [
            {"DeleteRequest": {"Key": k}}
            for k in old
            if (k["pk"]["S"], k["sk"]["S"]) not in fresh_keys
        ]
        requests += [{"PutRequest": {"Item": i}} for i in fresh]
        for start in range(0, len(requests), 25):
            pending: dict[str, Any] = {_table(): requests[start : start + 25]}
            while pending:
                answer = client.batch_write_item(RequestItems=pending)
                pending = answer.get("UnprocessedItems") or {}
