"""GDPR (issue 14): a contact's data exported, anonymised; retention per response point."""
