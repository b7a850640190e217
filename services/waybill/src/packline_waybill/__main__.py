"""`python -m packline_waybill [serve|migrate]`: run or migrate the waybill service."""

from packline_runtime.cli import run
from packline_waybill.bootstrap import MIGRATIONS, SERVICE, create_app, load_settings

if __name__ == "__main__":
    run(SERVICE, load_settings(), MIGRATIONS, create_app)
