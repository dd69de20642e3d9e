"""Users, roles, login, API tokens and permissions."""
