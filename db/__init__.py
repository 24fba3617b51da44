"""Everything that talks to PostgreSQL: the pool, migrations, the embedded server and every SQL statement."""
