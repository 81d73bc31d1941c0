"""Staff: accounts and passwords, the dashboard's overview."""
