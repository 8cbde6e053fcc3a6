"""Deadlines and policy: due dates per item and cohort, extensions, the late policy and when a
quiz's answers are shown (issue 13)."""
