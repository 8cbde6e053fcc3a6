"""nbgrader's AUTOTEST directives are expanded from the author's solution, not left as comments
(before, `### AUTOTEST a` was a comment, so any answer, the untouched stub included, passed)."""

from pathlib import Path

import pytest

from grading.autotests import AutotestError, autotests_expand, has_autotests
from grading.importing import validate_exercise_folder
from tests.grading.notebook_factory import answer_cell, grade_cell, notebook

TEMPLATES = """\
python3:
    setup: "from hashlib import sha1"
    hash: 'sha1({{snippet}}.encode("utf-8")+b"{{salt}}").hexdigest()'
    dispatch: "type({{snippet}})"
    normalize: "str({{snippet}})"
    check: 'assert {{snippet}} == "{{value}}", "{{message}}"'
    success: "print('Success!')"
    templates:
        default:
            - test: "type({{snippet}})"
              fail: "type of {{snippet}} is not correct"
            - test: "{{snippet}}"
              fail: "value of {{snippet}} is not correct"
"""


def _source():
    return notebook(
        answer_cell("### BEGIN SOLUTION\na = 5\nwords = ['x', 'y']\n### END SOLUTION", "answer"),
        grade_cell("### AUTOTEST a\n### HASHED AUTOTEST words", "check_a", 2),
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "autotests.yml").write_text(TEMPLATES)
    return tmp_path


def test_directives_become_asserts_on_the_solutions_values(folder):
    expanded = autotests_expand(source=_source(), directory=folder)

    test_source = expanded.cells[1].source
    assert not has_autotests(expanded)
    assert 'assert str(a) == "5"' in test_source
    assert "sha1(str(words)" in test_source
    assert "['x', 'y']" not in test_source  # hashed: the expected value is not readable


def test_a_wrong_answer_and_the_stub_fail_an_expanded_autotest(folder, grade):
    expanded = autotests_expand(source=_source(), directory=folder)

    def points(code: str) -> float:
        return grade(code, source=expanded).points

    assert points("a = 5\nwords = ['x', 'y']") == 2
    assert points("a = 7\nwords = ['x', 'y']") == 0
    assert points("a = 5\nwords = ['x']") == 0
    assert points("# YOUR CODE HERE\nraise NotImplementedError()") == 0


def test_directives_without_templates_are_refused(tmp_path):
    with pytest.raises(AutotestError, match="need an autotests.yml beside it"):
        autotests_expand(source=_source(), directory=tmp_path)


def test_a_notebook_without_directives_is_returned_as_it_is(tmp_path):
    source = notebook(answer_cell("a = 1"), grade_cell("assert a == 1", "t", 1))
    assert autotests_expand(source=source, directory=tmp_path) is source


def test_the_importer_stores_the_expanded_source_and_refuses_missing_templates(folder):
    import nbformat

    (folder / "exercise.yaml").write_text("title: Autotest\nlesson: first-steps\n")
    nbformat.write(_source(), folder / "source.ipynb")

    spec, errors = validate_exercise_folder(folder)
    assert errors == []
    assert spec is not None
    assert 'assert str(a) == "5"' in spec.source.cells[1].source

    (folder / "autotests.yml").unlink()
    spec, errors = validate_exercise_folder(folder)
    assert spec is None
    assert errors == [
        f"{folder / 'source.ipynb'}:1: the notebook uses AUTOTEST directives, "
        "which need an autotests.yml beside it (nbgrader's templates of the "
        "asserts each directive becomes)"
    ]
