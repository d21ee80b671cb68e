"""Texts, both ways (S1, S5, S7): intake of received texts, agents' replies by SMS, and
End User Messaging's delivery receipts. Parsing and counting live in channels/sms.py."""
