"""User accounts: network admins and school staff."""
