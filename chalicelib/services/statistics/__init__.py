"""Statistics use cases (issue 14): counting stream changes (``recording``), reports
(``report``) and recounting from the histories (``rebuild``)."""
