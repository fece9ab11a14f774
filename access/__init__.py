"""Who may do what: accounts, sessions and roles, checked below the pages and the command line."""
