"""Encrypted storage of the journal: keys, records, revisions, trash, drafts, backups."""
