"""Use cases of the social channels (issue 13): Messenger and X direct messages filed as
tickets, agents' replies sent back, and the admin's page/account -> response point map."""
