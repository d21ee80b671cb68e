"""DynamoSearchIndex (issue 15): the top-bar search's words in the SearchIndex table.

Index items: pk "<kind>#<first 2 letters>", sk "<token>|<entity id>", nothing else (about 40
bytes: one write unit each). A word is ``begins_with(sk, "word|")``, a prefix being typed
``begins_with(sk, "wor")``: one Query either way, newest id first (ScanIndexForward false).
Manifests: pk "e#<kind>#<id>", sk "src#<source>", ``tk`` the source's tokens and ``doc``
(JSON) what a result shows; sk "removed" with ``at``: the entity left the index then.

Writes go in BatchWriteItem calls of 25 (unprocessed items sent again); every item has a
fixed key, so writing a source twice (a redelivered stream record) writes the same items.
"""

from __future__ import annotations

import json
import time
from typing import Any

from chalicelib.adapters.dynamodb.models import SearchIndexModel
from chalicelib.domain.search_index import Term, entity_of, partition, sort_key, sort_prefix
from chalicelib.services.search_index.ports import SearchIndex

BATCH = 25


def _client() -> Any:
    return SearchIndexModel._get_connection().connection.client


def _table() -> str:
    return str(SearchIndexModel.Meta.table_name)


def _entity(kind: str, entity_id: str) -> str:
    return f"e#{kind}#{entity_id}"


def _key(pk: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


class DynamoSearchIndex(SearchIndex):
    def _write(self, requests: list[dict[str, Any]]) -> None:
        for start in range(0, len(requests), BATCH):
            pending: dict[str, Any] = {_table(): requests[start : start + BATCH]}
            for attempt in range(8):
                answer = _client().batch_write_item(RequestItems=pending)
                pending = answer.get("UnprocessedItems") or {}
                if not pending:
                    break
                time.sleep(min(0.05 * 2**attempt, 1.0))  # throttled: back off, send the rest
            else:
                raise RuntimeError("search index: writes still unprocessed after retries")

    def _manifest(self, kind: str, entity_id: str, source: str) -> dict[str, Any] | None:
        answer = _client().get_item(
            TableName=_table(), Key=_key(_entity(kind, entity_id), f"src#{source}")
        )
        item: dict[str, Any] | None = answer.get("Item")
        return item

    @staticmethod
    def _items(kind: str, entity_id: str, tokens: set[str], op: str) -> list[dict[str, Any]]:
        keys = [_key(partition(kind, t), sort_key(t, entity_id)) for t in sorted(tokens)]
        if op == "put":
            return [{"PutRequest": {"Item": k}} for k in keys]
        return [{"DeleteRequest": {"Key": k}} for k in keys]

    @staticmethod
    def _manifest_put(
        kind: str, entity_id: str, source: str, tokens: set[str], doc: Any
    ) -> dict[str, Any]:
        item = _key(_entity(kind, entity_id), f"src#{source}")
        item["tk"] = {"L": [{"S": t} for t in sorted(tokens)]}
        if doc is not None:
            item["doc"] = {"S": json.dumps(doc, ensure_ascii=False, separators=(",", ":"))}
        return {"PutRequest": {"Item": item}}

    def replace(
        self,
        kind: str,
        entity_id: str,
        source: str,
        tokens: set[str],
        doc: dict[str, Any] | None = None,
    ) -> int:
        held = self._manifest(kind, entity_id, source)
        old = {t["S"] for t in (held or {}).get("tk", {}).get("L", [])}
        gone, new = old - tokens, tokens - old
        held_doc = json.loads(held["doc"]["S"]) if held and "doc" in held else None
        if held is not None and not gone and not new and held_doc == doc:
            return 0  # nothing changed (a redelivered record, a save of other fields)
        # The manifest last: a failure before it leaves the old manifest, and the next
        # replace deletes what it names and no longer holds.
        writes = self._items(kind, entity_id, new, "put") + self._items(
            kind, entity_id, gone, "delete"
        )
        self._write(writes)
        self._write([self._manifest_put(kind, entity_id, source, tokens, doc)])
        return len(writes) + 1

    def add(self, kind: str, entity_id: str, source: str, tokens: set[str]) -> int:
        writes = self._items(kind, entity_id, tokens, "put")
        writes.append(self._manifest_put(kind, entity_id, source, tokens, None))
        self._write(writes)
        return len(writes)

    def remove(self, kind: str, entity_id: str, *, at: str) -> int:
        pk = _entity(kind, entity_id)
        # The marker first: a stream record handled meanwhile sees it and writes nothing.
        _client().put_item(TableName=_table(), Item={**_key(pk, "removed"), "at": {"S": at}})
        tokens: set[str] = set()  # sources share words: each item deleted once per batch
        manifests: list[str] = []
        paginator = _client().get_paginator("query")
        pages = paginator.paginate(
            TableName=_table(),
            KeyConditionExpression="pk = :pk AND begins_with(sk, :src)",
            ExpressionAttributeValues={":pk": {"S": pk}, ":src": {"S": "src#"}},
            ConsistentRead=True,
        )
        for page in pages:
            for item in page.get("Items", []):
                tokens.update(t["S"] for t in item.get("tk", {}).get("L", []))
                manifests.append(item["sk"]["S"])
        writes = self._items(kind, entity_id, tokens, "delete")
        writes += [{"DeleteRequest": {"Key": _key(pk, sk)}} for sk in manifests]
        self._write(writes)
        return len(writes)

    def removed_at(self, kind: str, entity_id: str) -> str | None:
        answer = _client().get_item(
            TableName=_table(), Key=_key(_entity(kind, entity_id), "removed"), ConsistentRead=True
        )
        item = answer.get("Item")
        return str(item["at"]["S"]) if item else None

    def find(self, kind: str, term: Term, *, limit: int) -> list[str]:
        found: dict[str, None] = {}
        kwargs: dict[str, Any] = {
            "TableName": _table(),
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :start)",
            "ExpressionAttributeValues": {
                ":pk": {"S": partition(kind, term.text)},
                ":start": {"S": sort_prefix(term)},
            },
            "ScanIndexForward": False,
            "Limit": limit,
        }
        while len(found) < limit:
            page = _client().query(**kwargs)
            for item in page.get("Items", []):
                found[entity_of(item["sk"]["S"])] = None
            last = page.get("LastEvaluatedKey")
            if not last:
                break
            kwargs["ExclusiveStartKey"] = last
        return list(found)[:limit]

    def docs(self, kind: str, entity_ids: list[str], source: str = "card") -> dict[str, Any]:
        found: dict[str, Any] = {}
        unique = list(dict.fromkeys(entity_ids))
        for start in range(0, len(unique), 100):
            keys = [_key(_entity(kind, i), f"src#{source}") for i in unique[start : start + 100]]
            pending: dict[str, Any] = {_table(): {"Keys": keys, "ProjectionExpression": "pk, doc"}}
            while pending:
                answer = _client().batch_get_item(RequestItems=pending)
                for item in answer.get("Responses", {}).get(_table(), []):
                    if "doc" in item:
                        found[item["pk"]["S"].split("#", 2)[2]] = json.loads(item["doc"]["S"])
                pending = answer.get("UnprocessedKeys") or {}
        return found
