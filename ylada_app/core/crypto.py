"""Encryption of secrets at rest (WhatsApp tokens, app secrets) with Fernet.

The Fernet key is derived from SECRET_KEY with HKDF, so rotating SECRET_KEY makes stored
secrets unreadable: operators re-enter them (documented in the README).
"""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ylada_app.core.settings import get_settings


class SecretDecryptError(ValueError):
    """A stored secret cannot be decrypted with the current SECRET_KEY."""


@lru_cache(maxsize=4)
def _fernet(secret_key: str) -> Fernet:
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"ylada-secrets-v1", info=b"fernet"
    ).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt_secret(plain: str) -> str:
    return _fernet(get_settings().secret_key).encrypt(plain.encode()).decode()


def decrypt_secret(token: str) -> str:
    return _decrypt(get_settings().secret_key, token)


# Workers decrypt a number's access token for every delivery round: a stored ciphertext
# (and the key) always gives the same plaintext, so it is decrypted once. A failure is not
# cached (lru_cache does not keep exceptions).
@lru_cache(maxsize=1024)
def _decrypt(secret_key: str, token: str) -> str:
    try:
        return _fernet(secret_key).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretDecryptError("stored secret cannot be decrypted with this SECRET_KEY") from exc
