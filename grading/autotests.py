"""nbgrader's AUTOTEST directives, expanded once, when an exercise's source notebook is read.

A test cell may say `### AUTOTEST expression` (or `### HASHED AUTOTEST expression`) instead of
asserts: nbgrader's `generate_assignment` runs the author's solution in a kernel, evaluates each
expression and writes the asserts that the learner's answer must then satisfy, from the
templates of an `autotests.yml` beside the notebook. Left unexpanded, a directive is a comment
and its test cell passes for any answer, the untouched stub included.

Here the same nbgrader preprocessor (InstantiateTests) does the expansion at import and by
`manage.py grade --source`, and the expanded notebook is what is stored and graded. The kernel
runs the author's own source, the same trust as the setup cells, never learner code.
"""

from __future__ import annotations

import copy
from pathlib import Path

from nbformat import NotebookNode

DIRECTIVES = ("### AUTOTEST", "### HASHED AUTOTEST")
TEMPLATE_FILE = "autotests.yml"


class AutotestError(Exception):
    """The directives could not be expanded; the message says why, for the author."""


def has_autotests(source: NotebookNode) -> bool:
    return any(
        cell.get("cell_type") == "code"
        and any(directive in str(cell.get("source", "")) for directive in DIRECTIVES)
        for cell in source.cells
    )


def autotests_expand(
    *, source: NotebookNode, directory: Path, course_root: Path | None = None
) -> NotebookNode:
    """The source with every directive replaced by nbgrader's asserts (the source itself when it
    has none). The templates are the `autotests.yml` in `directory` (the exercise's folder, where
    the solution also runs) or else in `course_root`, nbgrader's two places for it."""
    if not has_autotests(source):
        return source
    places = [directory] + ([course_root] if course_root is not None else [])
    template = next(
        (place / TEMPLATE_FILE for place in places if (place / TEMPLATE_FILE).is_file()), None
    )
    if template is None:
        raise AutotestError(
            f"the notebook uses AUTOTEST directives, which need an {TEMPLATE_FILE} beside it "
            "(nbgrader's templates of the asserts each directive becomes)"
        )
    # nbgrader's preprocessors cost 1-3 s to import; only the import of a course (and
    # `manage.py grade --source`) needs them, never a web process or a grading worker.
    from nbgrader.preprocessors import InstantiateTests

    notebook = copy.deepcopy(source)
    notebook.metadata.setdefault(
        "kernelspec", {"name": "python3", "language": "python", "display_name": "Python 3"}
    )
    preprocessor = InstantiateTests(autotest_filename=str(template.resolve()))
    resources = {"metadata": {"path": str(directory.resolve())}}
    expanded: NotebookNode
    try:
        expanded, _ = preprocessor.preprocess(notebook, resources)
    except Exception as error:  # nbgrader and the kernel raise many types; all are the author's
        raise AutotestError(
            f"nbgrader could not expand the AUTOTEST directives: {type(error).__name__}: {error}"
        ) from None
    if has_autotests(expanded):
        raise AutotestError("nbgrader left AUTOTEST directives unexpanded")
    return expanded
