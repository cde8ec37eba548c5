# openapi-sha256: cbc5bad378691f35d872c0c4dab63be00c6bc0b5479d52cd36d69c870674c14f
"""A client library for accessing ylada API"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
