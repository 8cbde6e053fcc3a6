"""Writes of the LTI app: launches, grade sends, roster sync, deep-link responses."""
