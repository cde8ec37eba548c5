# openapi-sha256: bfb2638e82b9afdd04545e48a3d10c4253d9693d63ef1a0a20baead369222c3c
"""A client library for accessing ylada API"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
