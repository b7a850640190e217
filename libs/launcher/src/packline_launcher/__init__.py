"""The `packline` command: run the stack, migrate, and play the demo."""
