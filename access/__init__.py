"""Access: users, roles, API tokens (stored hashed), least-privilege checks, and the audit log."""
