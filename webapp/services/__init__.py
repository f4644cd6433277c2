"""Domain services called by views and commands: they own transactions and take `now`."""
