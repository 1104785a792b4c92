"""Django's SQLite backend, creating the database's folder when it first connects."""
