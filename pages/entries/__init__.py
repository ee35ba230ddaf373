"""Sections of the Entries screen: the entry view and the trash."""
