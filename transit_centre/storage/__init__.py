"""The database file's life: opening it (checked, upgraded, reference data), encryption at rest, backups and restore."""
