"""The instructor dashboard: the heatmap, who needs attention, and each learner's page.

It sits above courseware, grading, deadlines and gradebook and reads their selectors; nothing
below imports it."""
