"""`python -m packline_marketsim [--host H] [--port P] [--seed N]`."""

from packline_marketsim.server import main

if __name__ == "__main__":
    main()
