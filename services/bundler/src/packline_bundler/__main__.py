"""`python -m packline_bundler [serve|migrate]`: run or migrate the bundler service."""

from packline_bundler.bootstrap import MIGRATIONS, SERVICE, create_app, load_settings
from packline_runtime.cli import run

if __name__ == "__main__":
    run(SERVICE, load_settings(), MIGRATIONS, create_app)
