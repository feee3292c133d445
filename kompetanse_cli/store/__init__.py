"""All SQL lives here: schema, migrations and queries. Nothing else touches the database."""
