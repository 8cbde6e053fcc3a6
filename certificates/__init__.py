"""Certificates of completion: issued when a course's completion rule is met, verified publicly."""
