"""Reading a course folder into a plain `content.plan.CoursePlan`, every error naming its file.

`course` runs the steps: `manifest` (course.yaml), `lessons`, `quizzes` and `exercises`, each
adding its errors to the one `folder.CourseFolder`; `yaml_lines` keeps YAML line numbers.
"""
