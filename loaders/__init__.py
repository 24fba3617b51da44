"""The per-request loaders (`<Entity>By<Key>Loader`): one SQL statement per batch, on the request's connection.

They sit below the GraphQL types: a loader returns database rows, and the type maps its own row (`from_row`).
"""
