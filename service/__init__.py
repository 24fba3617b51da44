"""Wiring of the service: settings, the Starlette app and its lifespan."""
