"""`python -m packline_couriersim [--host H] [--port P] [--seed N]`."""

from packline_couriersim.server import main

if __name__ == "__main__":
    main()
