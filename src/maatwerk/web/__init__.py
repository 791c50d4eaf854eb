"""The faces of maatwerk on the web: the REST API and (later) the HTML pages."""
