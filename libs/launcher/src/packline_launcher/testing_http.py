"""A service's routers behind the same token guard `ServiceRuntime.create_app` puts on them, for
tests that drive routes over ASGI without starting the whole runtime (no broker, no relay)."""

import os

from fastapi import APIRouter, Depends, FastAPI

from packline_runtime import auth, problems, tokens


def guarded_app(*routers: APIRouter) -> FastAPI:
    """An app whose every route needs a token verified with this process's public key
    (PACKLINE_TOKEN_PUBLIC_KEY, installed by the `service_tokens` fixture), as in production."""
    app = FastAPI()
    app.state.verifier = auth.Verifier(os.environ.get(tokens.PUBLIC_KEY_ENV, ""))
    for router in routers:
        app.include_router(
            router,
            responses={**problems.RESPONSES, **problems.AUTH_RESPONSES},
            dependencies=[Depends(auth.authorize)],
        )
    problems.install(app)
    return app
