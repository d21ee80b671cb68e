"""External consultations (S6): the use cases, the workflow steps, the mails."""
