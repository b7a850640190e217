"""Tokens for tests: one key pair per test session, its public half in the environment every
service's Settings reads (PACKLINE_TOKEN_PUBLIC_KEY), and headers for a person of any seller."""

import os

from packline_runtime import tokens


class TestTokens:
    """`headers(seller_id, role)` → `{"authorization": "Bearer …"}` that services built in this
    process (or started with `env()`) accept."""

    __test__ = False  # not a pytest test class

    def __init__(self, private_pem: str | None = None) -> None:
        """A fresh key pair, or the one of `private_pem` (a stack's: keys.token_private_key)."""
        self.private_pem = private_pem or tokens.new_key_pair()[0]
        self.public_pem = tokens.public_pem_of(self.private_pem)
        self._key = tokens.load_private_key(self.private_pem)

    def token(
        self, seller_id: str, role: tokens.Role = tokens.Role.OWNER, sub: str = "tester"
    ) -> str:
        return tokens.sign(self._key, tokens.Caller(sub=sub, seller_id=seller_id, role=role))

    def headers(
        self, seller_id: str, role: tokens.Role = tokens.Role.OWNER, sub: str = "tester"
    ) -> dict[str, str]:
        return {"authorization": f"Bearer {self.token(seller_id, role, sub)}"}

    def env(self) -> dict[str, str]:
        return {tokens.PUBLIC_KEY_ENV: self.public_pem}

    def install(self) -> None:
        """Put the public key in this process's environment (Settings() reads it)."""
        os.environ[tokens.PUBLIC_KEY_ENV] = self.public_pem
