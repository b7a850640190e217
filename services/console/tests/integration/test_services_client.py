"""The console signs one token per person, reused while it has more than a minute left, that
services verify with the public key alone."""

from packline_console.adapters.services import Services
from packline_console.domain.accounts import User
from packline_runtime import tokens
from services.console.tests.integration.console_harness import settings


async def test_a_token_speaks_for_the_person_and_is_reused() -> None:
    private_pem, public_pem = tokens.new_key_pair()
    services = Services(settings(token_private_key=private_pem), private_pem)
    packer = User(user_id=1, email="packer@s1.kr", seller_id="s1", role=tokens.Role.OPERATOR)
    viewer = User(user_id=2, email="viewer@s1.kr", seller_id="s1", role=tokens.Role.VIEWER)
    try:
        first, again, other = (
            services.token_for(packer),
            services.token_for(packer),
            services.token_for(viewer),
        )
    finally:
        await services.close()

    assert first == again and other != first
    caller = tokens.verify(tokens.load_public_key(public_pem), first)
    assert caller == tokens.Caller(sub="packer@s1.kr", seller_id="s1", role=tokens.Role.OPERATOR)
