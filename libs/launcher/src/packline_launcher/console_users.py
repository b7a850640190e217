"""People who sign in to the stack's console, made with its CLI (`python -m packline_console
create-user`, the password on stdin): the demo seller's owner on first start."""

import os
import secrets
import subprocess
import sys

from packline_launcher.stack import CONSOLE, Stack
from packline_runtime import tokens

DEMO_PASSWORD_ENV = "PACKLINE_DEMO_PASSWORD"
ALREADY_THERE = "이미 등록된"  # what create-user says when the email is taken


def create_user(
    stack: Stack, email: str, seller_id: str | None, role: tokens.Role, password: str
) -> bool:
    """True when made; False when the email was already there (its password unchanged)."""
    command = [sys.executable, "-m", "packline_console", "create-user"]
    command += ["--email", email, "--role", role.value]
    command += ["--seller", seller_id] if seller_id else []
    result = subprocess.run(
        command,
        input=password + "\n",
        env=stack.child_env(0, CONSOLE),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if result.returncode != 0 and ALREADY_THERE not in result.stderr:
        raise RuntimeError(f"creating console user {email} failed:\n{result.stderr[-2000:]}")
    return result.returncode == 0


def demo_owner(stack: Stack, seller_id: str) -> tuple[str, str | None]:
    """(email, password) of the seller's owner; the password is None when the owner was made
    on an earlier start and keeps the password printed then. PACKLINE_DEMO_PASSWORD chooses
    it, else one is generated."""
    email = f"owner@{seller_id}.packline.test"
    password = stack.env.get(DEMO_PASSWORD_ENV) or os.environ.get(DEMO_PASSWORD_ENV) or ""
    password = password or secrets.token_urlsafe(12)
    made = create_user(stack, email, seller_id, tokens.Role.OWNER, password)
    return email, password if made else None


def sign_in_lines(stack: Stack, seller_id: str) -> list[str]:
    """What `packline up` and `make demo` print: where the console is and how to sign in."""
    urls = stack.urls(CONSOLE)
    if not urls:
        return []
    email, password = demo_owner(stack, seller_id)
    said = (
        password
        or f"the one printed when it was made (or set {DEMO_PASSWORD_ENV} on a fresh start)"
    )
    return [
        f"console      {urls[0]}   (the seller's web console, in Korean)",
        f"  sign in as {email}  password: {said}",
        "  add people in 설정 → 사용자, or from a shell:",
        f"  PACKLINE_DATABASE_URL='{stack.database_url}' .venv/bin/python -m packline_console"
        " create-user --seller SELLER --role operator --email EMAIL --generate",
    ]
