"""`python -m packline_shipper [serve|migrate]`: run or migrate the shipper service."""

from packline_runtime.cli import run
from packline_shipper.bootstrap import MIGRATIONS, SERVICE, create_app, load_settings

if __name__ == "__main__":
    run(SERVICE, load_settings(), MIGRATIONS, create_app)
