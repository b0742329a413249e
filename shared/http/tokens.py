"""API tokens: kept only as their SHA-256, compared in constant time.

A token is a random secret of at least 128 bits handed to one person; what a deployment stores
(its seed file's `token_sha256`) is the digest, so a copy of the seed or of the database gives
no one a working token. SHA-256 fits: a token is random, not a password a person chose, so
there is nothing for a slow hash to protect against guessing.

`python -m shared.http.tokens` prints a new token and the digest to put in the seed file.
"""

import hashlib
import hmac
import secrets

TOKEN_BYTES = 32


def digest(token: str) -> str:
    """The hex SHA-256 of a token (what a seed file stores)."""
    return hashlib.sha256(token.encode("utf-8", errors="surrogatepass")).hexdigest()


def new_token() -> tuple[str, str]:
    """(a fresh random token, its digest)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, digest(token)


def matches(presented: str, stored_digest: str) -> bool:
    """Whether a presented token is the one `stored_digest` was made from, in constant time."""
    return hmac.compare_digest(digest(presented), stored_digest)


def main() -> None:
    token, hashed = new_token()
    print(f"token (give it to the user, store it nowhere): {token}")
    print(f'token_sha256 (for the seed file\'s user):      "{hashed}"')


if __name__ == "__main__":
    main()
