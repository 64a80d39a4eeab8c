"""One model per result and per request body, shared by every shell: the CLI's JSON and CSV,
the REST API, the web pages and the exports. Separate from domain objects and from tables."""
