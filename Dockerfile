# syntax=docker/dockerfile:1
# One image for every Packline service and the console; the command chooses which one runs:
#   docker run --rm packline:local python -m packline_collector           # serve
#   docker run --rm packline:local python -m packline_collector migrate
#   docker run --rm packline:local python -m packline_console            # the web console
# Build: docker build -t packline:local .
ARG PYTHON_IMAGE=python:3.11-slim

# --- manifests: the workspace's pyproject.toml files and nothing else ------------------------
# Its output changes only when a manifest changes, so the dependency layer below stays cached
# across code edits, and a new workspace member needs no edit here.
FROM ${PYTHON_IMAGE} AS manifests
WORKDIR /src
COPY libs libs
COPY services services
RUN find libs services -type f ! -name pyproject.toml -delete

# --- build: a self-contained virtualenv from the committed uv.lock ---------------------------
FROM ${PYTHON_IMAGE} AS build
ARG UV_VERSION=0.13.9
RUN pip install --no-cache-dir --disable-pip-version-check --root-user-action=ignore \
        "uv==${UV_VERSION}"
# Use the image's own interpreter (never download one), compile bytecode now because the
# runtime filesystem is read-only, and copy out of the cache mount instead of hard-linking.
ENV UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3.11 \
    UV_PROJECT_ENVIRONMENT=/opt/packline \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy
WORKDIR /src
COPY pyproject.toml uv.lock ./
COPY --from=manifests /src/ ./
# Third-party dependencies only; --frozen installs exactly what uv.lock says and never re-locks.
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --all-packages --no-install-workspace
COPY libs libs
COPY services services
# The workspace members as real wheels (not editable), so the venv no longer needs /src;
# migrations/*.sql (and the console's templates/ and static/) ship inside the packages.
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --all-packages --no-editable

# --- runtime: the interpreter, the venv and an unprivileged user ----------------------------
# Nothing from deploy/ is copied (.dockerignore keeps it out of the context): a container runs
# one service or the console, never the launcher (`packline up` starts embedded PostgreSQL,
# Tansu and Debian's prometheus binary, none of which is in this image, so `--prometheus` there
# only prints the install hint). The console reads Prometheus over HTTP (PACKLINE_PROMETHEUS_URL)
# and its SRE page names the recorded series in code; the Prometheus that scrapes the pods
# takes deploy/prometheus/prometheus-k8s.yml and rules/ from the repository, not from the image.
FROM ${PYTHON_IMAGE} AS runtime
# A numeric UID, so Kubernetes' runAsNonRoot can check it without resolving a name.
RUN groupadd --system --gid 10001 packline \
    && useradd --system --uid 10001 --gid packline --no-create-home \
       --home-dir /nonexistent --shell /usr/sbin/nologin packline
# Root-owned and read-only for the service user: nothing at run time may change the code.
COPY --from=build /opt/packline /opt/packline
ENV PATH=/opt/packline/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PACKLINE_HTTP_HOST=0.0.0.0
# An empty, root-owned working directory: `python -m` puts the cwd on sys.path.
WORKDIR /app
USER 10001:10001
# No default service: the image is shared, so running it bare only says how to choose one
# (<service>: collector, matcher, bundler, allocator, waybill, shipper or console).
CMD ["python", "-c", "raise SystemExit('usage: python -m packline_<service> [serve|migrate]')"]
