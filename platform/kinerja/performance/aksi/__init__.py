"""Rencana Aksi: per result (RHK) and evaluation period, the planned steps (what, by when,
which output), whether each is done, and the daily entries that evidence it."""
