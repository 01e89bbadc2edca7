"""The web service: the Starlette app, its GraphQL endpoint, guards, settings, ``innonet serve``."""
