"""Watching Academy run: Prometheus metrics, structured logs, readiness and worker heartbeats.

It sits below the domain apps: grading records its metrics here and asks here whether GPU
workers are alive; monitoring imports no domain app (it reads the broker and its own table).
"""
