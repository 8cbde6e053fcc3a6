"""Courses, modules, lessons, quizzes, enrolment and learner progress."""
