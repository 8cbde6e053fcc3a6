"""Sandbox backends: `bwrap` (bubblewrap, one host) and `docker` (production)."""
