"""The client contract: the GraphQL documents the clients send (mobile, partner, public, staff), kept in the repository.

Later features add their documents here.
"""
