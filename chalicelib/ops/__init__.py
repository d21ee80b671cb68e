"""Operator commands run from a workstation with AWS credentials (docs/operations.md)."""
