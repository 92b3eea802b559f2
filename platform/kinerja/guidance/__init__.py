"""Guidance in the product: an introduction per role and help on the forms, as data that
BKPSDM edits."""
