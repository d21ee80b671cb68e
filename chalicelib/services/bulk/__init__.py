"""Bulk work on tickets (issue 15): one change applied to many tickets from any list, with
each ticket's earlier values handed back so the change can be undone.

``changes`` parses and applies one change to one ticket (the rules of PATCH /tickets/{id});
``use_cases`` reads the tickets in one batch and writes each in its own transaction.
"""
