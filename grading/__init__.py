"""Exercises, submissions and the grading pipeline."""
