"""A stack's services verify exactly what the stack signs: Stack.token and its console's key,
whatever public key the launching process's environment happens to hold."""

from pathlib import Path

from packline_launcher.stack import CONSOLE, Stack
from packline_runtime import tokens


def test_services_get_the_public_half_of_the_key_the_stack_signs_with(tmp_path: Path) -> None:
    stack = Stack(tmp_path)
    shipper = stack.child_env(0, "shipper")
    console = stack.child_env(0, CONSOLE)

    public = tokens.load_public_key(shipper[tokens.PUBLIC_KEY_ENV])
    caller = tokens.verify(public, stack.token("s1", tokens.Role.VIEWER))
    assert caller.seller_id == "s1" and caller.role is tokens.Role.VIEWER
    assert tokens.PRIVATE_KEY_ENV not in shipper  # no service can mint a token
    signed = tokens.sign(
        tokens.load_private_key(console[tokens.PRIVATE_KEY_ENV]),
        tokens.Caller(sub="p", seller_id="s1", role=tokens.Role.OWNER),
    )
    assert tokens.verify(public, signed).sub == "p"
