"""The gradebook: learners x graded items of a course, weights, overrides and CSV exports."""
