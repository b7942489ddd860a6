"""The web entry point: the JSON API and the server-rendered pages, built by ``create_app``."""
