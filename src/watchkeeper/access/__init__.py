"""Who may do what: roles, the permission matrix, accounts, sessions and the audit chain."""
