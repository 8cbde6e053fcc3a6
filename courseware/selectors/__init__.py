"""Reads of the courseware app, split by what they are about.

- `course`: the catalogue, outlines, the rows one lesson or quiz page needs, the glossary;
- `progress`: a learner's progress per module;
- `next_step`: what a learner should do next in a course ("Continue with ...");
- `completion`: the course's completion rule applied to a learner;
- `search`: lesson search;
- `quiz`: a learner's quiz state, attempt, its questions and results;
- `attempt_form`: the attempt form's shown values and its stale-tab rule;
- `dashboard`: the instructor's progress table, quiz list and item analysis;
- `gradebook`: the instructor API's members, gradebook pages and one learner's record;
- `roster`: course roles, the courses a user teaches, the roster, cohorts and join codes.

Callers import from this package; the names below are its public surface.
"""

from courseware.selectors.attempt_form import (
    DAMAGED_FORM,
    MAX_SHOWN_FIELD,
    AttemptForm,
    attempt_answers_changed,
    attempt_form,
)
from courseware.selectors.completion import (
    CompletionRule,
    CourseCompletion,
    ModuleCompletion,
    course_completion,
)
from courseware.selectors.course import (
    course_get,
    course_list,
    course_modules,
    glossary_terms,
    lesson_get_active,
    lesson_neighbours,
    lessons_read_ids,
    module_lessons,
    quiz_get,
    quiz_get_active,
    quiz_question_count,
    quizzes_startable,
)
from courseware.selectors.dashboard import (
    DISCRIMINATION_GROUP,
    ItemStats,
    OptionPicks,
    ProgressTable,
    course_progress_table,
    course_quizzes,
    quiz_item_analysis,
)
from courseware.selectors.members import (
    LearnerRecord,
    course_members,
    learner_record,
)
from courseware.selectors.next_step import NextStep, course_next_step
from courseware.selectors.progress import (
    ModuleProgress,
    course_outline_for_user,
    module_progress_for_user,
    module_with_progress,
    progress_by_user,
)
from courseware.selectors.quiz import (
    QuizStatus,
    attempt_get_for_user,
    attempt_questions_public,
    attempt_results,
    attempts_of_user,
    quiz_status_for_user,
)
from courseware.selectors.roster import (
    TEACHING_ROLES,
    JoinTarget,
    course_cohorts,
    course_invitations_open,
    course_role_of,
    course_roster,
    courses_taught_by,
    join_target,
    teaches_course,
)
from courseware.selectors.search import SEARCH_LIMIT, SNIPPET_RADIUS, SearchHit, lesson_search

__all__ = [
    "NextStep",
    "course_next_step",
    "LearnerRecord",
    "attempts_of_user",
    "course_get",
    "course_members",
    "learner_record",
    "quiz_get",
    "CompletionRule",
    "CourseCompletion",
    "ModuleCompletion",
    "course_completion",
    "teaches_course",
    "join_target",
    "courses_taught_by",
    "course_roster",
    "course_role_of",
    "course_invitations_open",
    "course_cohorts",
    "JoinTarget",
    "TEACHING_ROLES",
    "DAMAGED_FORM",
    "DISCRIMINATION_GROUP",
    "MAX_SHOWN_FIELD",
    "SEARCH_LIMIT",
    "SNIPPET_RADIUS",
    "AttemptForm",
    "ItemStats",
    "ModuleProgress",
    "OptionPicks",
    "ProgressTable",
    "QuizStatus",
    "SearchHit",
    "attempt_answers_changed",
    "attempt_form",
    "attempt_get_for_user",
    "attempt_questions_public",
    "attempt_results",
    "course_list",
    "course_modules",
    "course_outline_for_user",
    "course_progress_table",
    "course_quizzes",
    "glossary_terms",
    "lesson_get_active",
    "lesson_neighbours",
    "lesson_search",
    "lessons_read_ids",
    "module_lessons",
    "module_progress_for_user",
    "module_with_progress",
    "progress_by_user",
    "quiz_get_active",
    "quiz_question_count",
    "quiz_item_analysis",
    "quiz_status_for_user",
    "quizzes_startable",
]
