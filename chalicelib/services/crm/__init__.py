"""ServIT CRM beyond the contact card (issue 14): customer organisations, the
organisation card, duplicate contacts and merging them."""
