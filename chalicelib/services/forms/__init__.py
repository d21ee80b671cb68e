"""Web forms for customers (S1): the admin's forms (``admin``), the guard against abuse
(``guard``) and the use case that turns a filled-in form into a ticket (``submit``)."""
