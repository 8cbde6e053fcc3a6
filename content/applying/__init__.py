"""Writing a checked `content.plan.CoursePlan` into the courseware and grading tables.

`course` applies a plan in one transaction through `sync`'s one create/update/remove helper, and
`report` says what changed.
"""
