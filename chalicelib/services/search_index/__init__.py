"""The top-bar search (issue 15): an index of words fed from the TicketEvents stream and
from the use cases that write contacts and organisations, and the search over it.

- ``ports.py``: the SearchIndex port (adapters: memory, DynamoDB table ``SearchIndex``)
- ``indexing.py``: what of a ticket, a contact, an organisation goes in, and when it leaves
- ``finding.py``: a typed query -> tickets (visible to the user), contacts, organisations
- ``rebuild.py``: index an existing installation (``python -m chalicelib.ops.search_index``)
"""
