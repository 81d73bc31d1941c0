"""All SQL lives here: the schema, its migrations and one small module per kind of record."""
