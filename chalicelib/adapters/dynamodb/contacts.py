"""DynamoContactRepository: contact cards with unique e-mails and phones (S19)."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.adapters.dynamodb.codec import contact_from_model, contact_to_model
from chalicelib.adapters.dynamodb.models import ContactModel, LookupModel
from chalicelib.adapters.dynamodb.paging import (
    decode_cursor,
    first_page,
    raise_conflict_if_condition_failed,
)
from chalicelib.domain.contact import Contact
from chalicelib.domain.errors import ConflictError, NotFoundError
from chalicelib.services import lookup_keys
from chalicelib.services.ports import ContactRepository, Page

# Organisations share the Contacts table under this key prefix (adapters/dynamodb/organisations).
ORGANISATION_KEY_PREFIX = "org#"

email_key = lookup_keys.contact_email
phone_key = lookup_keys.contact_phone
identity_key = lookup_keys.contact_identity


def _keys(contact: Contact) -> set[str]:
    return (
        {email_key(e) for e in contact.emails}
        | {phone_key(p) for p in contact.phones}
        | {identity_key(i) for i in contact.identities}
    )


class DynamoContactRepository(ContactRepository):
    def add(self, contact: Contact) -> None:
        self._write(contact, added=_keys(contact), removed=set(), new=True)

    def save(self, contact: Contact) -> None:
        stored = self.get(contact.id)
        self._write(
            contact,
            added=_keys(contact) - _keys(stored),
            removed=_keys(stored) - _keys(contact),
            new=False,
        )

    def _write(self, contact: Contact, *, added: set[str], removed: set[str], new: bool) -> None:
        item = contact_to_model(contact)
        try:
            with TransactWrite(connection=ContactModel._get_connection().connection) as tx:
                if new:
                    tx.save(item, condition=ContactModel.contact_id.does_not_exist())
                else:
                    # Optimistic lock on the card.
                    tx.save(item, condition=ContactModel.version == contact.version)
                for key in added:
                    # An address or number belongs to one contact only.
                    tx.save(
                        LookupModel(key, target=contact.id),
                        condition=LookupModel.key.does_not_exist(),
                    )
                for key in removed:
                    tx.delete(LookupModel(key), condition=LookupModel.target == contact.id)
        except TransactWriteError as error:
            raise_conflict_if_condition_failed(
                error,
                "an e-mail address or phone number belongs to another contact, or the card changed",
            )
            raise
        contact.version += 1

    def get(self, contact_id: str) -> Contact:
        if contact_id.startswith(ORGANISATION_KEY_PREFIX):  # an organisation in this table
            raise NotFoundError(f"no contact {contact_id!r}")
        try:
            return contact_from_model(ContactModel.get(contact_id, consistent_read=True))
        except DoesNotExist:
            raise NotFoundError(f"no contact {contact_id!r}") from None

    def _by_key(self, key: str) -> Contact | None:
        try:
            target = LookupModel.get(key, consistent_read=True).target
        except DoesNotExist:
            return None
        try:
            return self.get(target)
        except NotFoundError:
            return None

    def find_by_email(self, email: str) -> Contact | None:
        return self._by_key(email_key(email))

    def find_by_phone(self, phone: str) -> Contact | None:
        return self._by_key(phone_key(phone))

    def find_by_identity(self, identity: str) -> Contact | None:
        return self._by_key(identity_key(identity))

    def list(
        self, *, name_prefix: str = "", limit: int = 50, cursor: str | None = None
    ) -> Page[Contact]:
        condition = ContactModel.name_sort.startswith(name_prefix) if name_prefix else None
        results = ContactModel.by_name.query(
            "contact",
            range_key_condition=condition,
            limit=limit,
            page_size=limit,
            last_evaluated_key=decode_cursor(cursor),
        )
        items, next_cursor = first_page(results, cursor)
        return Page([contact_from_model(ContactModel.from_raw_data(i)) for i in items], next_cursor)

    # --- issue 14 ------------------------------------------------------------------
    def list_by_organisation(
        self, organisation_id: str, *, limit: int = 100, cursor: str | None = None
    ) -> Page[Contact]:
        results = ContactModel.by_organisation.query(
            organisation_id,
            limit=limit,
            page_size=limit,
            last_evaluated_key=decode_cursor(cursor),
        )
        items, next_cursor = first_page(results, cursor)
        return Page([contact_from_model(ContactModel.from_raw_data(i)) for i in items], next_cursor)

    def merge_into(self, source: Contact, kept: Contact) -> None:
        stored_kept = self.get(kept.id)
        added = _keys(kept) - _keys(stored_kept) - _keys(source)
        # A number the kept card now holds in E.164 only: its older form's key goes.
        removed = _keys(stored_kept) - _keys(kept)
        try:
            with TransactWrite(connection=ContactModel._get_connection().connection) as tx:
                tx.save(contact_to_model(kept), condition=ContactModel.version == kept.version)
                tx.delete(ContactModel(source.id), condition=ContactModel.version == source.version)
                for key in _keys(source):
                    # Re-pointed, never left pointing at the deleted card.
                    tx.save(
                        LookupModel(key, target=kept.id),
                        condition=(LookupModel.target == source.id)
                        | LookupModel.key.does_not_exist(),
                    )
                for key in added:
                    tx.save(
                        LookupModel(key, target=kept.id),
                        condition=LookupModel.key.does_not_exist(),
                    )
                for key in removed:
                    tx.delete(LookupModel(key), condition=LookupModel.target == kept.id)
                tx.save(LookupModel(lookup_keys.contact_merged(source.id), target=kept.id))
        except TransactWriteError as error:
            raise_conflict_if_condition_failed(
                error, "a contact changed during the merge, or a key belongs to another contact"
            )
            raise
        kept.version += 1

    def merged_into(self, contact_id: str) -> str | None:
        try:
            return str(LookupModel.get(lookup_keys.contact_merged(contact_id)).target)
        except DoesNotExist:
            return None


__all__ = ["ConflictError", "DynamoContactRepository"]
