"""`python -m packline_matcher [serve|migrate]`: run or migrate the matcher service."""

from packline_matcher.bootstrap import MIGRATIONS, SERVICE, create_app, load_settings
from packline_runtime.cli import run

if __name__ == "__main__":
    run(SERVICE, load_settings(), MIGRATIONS, create_app)
