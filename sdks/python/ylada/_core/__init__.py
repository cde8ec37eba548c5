# openapi-sha256: d01a2e930999646aaf25b5559dbb2b4a36cc2aba30112477bec7d61b1ec53c7f
"""A client library for accessing ylada API"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
