"""One router per resource; each route parses its parameters, calls ``api.queries`` and serialises."""
