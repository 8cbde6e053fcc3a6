"""Reads of the gradebook: its items and weights (items), its rows (rows), its pages (pages)."""
