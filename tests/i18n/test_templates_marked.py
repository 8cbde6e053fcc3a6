"""Every template's visible text is marked for translation: the scanner over all of them, and
the scanner itself on small templates (what it must find, what it must let pass)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from tests.i18n.template_scan import Unmarked, template_files, unmarked_text

ROOT = Path(settings.BASE_DIR)


def test_the_scan_covers_every_template() -> None:
    names = {path.relative_to(ROOT).as_posix() for path in template_files(ROOT)}
    assert len(names) == 73
    assert {"templates/404.html", "templates/403.html", "templates/500.html"} <= names
    assert "templates/base.html" in names
    assert "templates/_script_catalog.html" in names
    assert "grading/templates/grading/exercise.html" in names
    assert "courseware/templates/courseware/course.html" in names


def test_no_template_shows_unmarked_text() -> None:
    found = {
        path.relative_to(ROOT).as_posix(): unmarked_text(path.read_text(encoding="utf-8"))
        for path in template_files(ROOT)
    }
    assert {name: problems for name, problems in found.items() if problems} == {}


def test_the_scanner_finds_text_between_tags() -> None:
    source = "{% load i18n %}<h1>Welcome</h1>\n<p>{% translate 'Marked' %} and {{ name }} left</p>"
    assert unmarked_text(source) == [Unmarked(1, "Welcome"), Unmarked(2, "and left")]


def test_the_scanner_finds_visible_attributes_and_literal_fallbacks() -> None:
    source = (
        '<input placeholder="Search lessons"><nav aria-label="{% translate "Pages" %}"></nav>\n'
        '{{ author|default:"A former teacher" }}{{ author|default:_("Marked") }}\n'
        '<input type="submit" value="Send"><img alt="">'
    )
    assert unmarked_text(source) == [
        Unmarked(1, "placeholder='Search lessons'"),
        Unmarked(2, 'author|default:"A former teacher"'),
        Unmarked(3, "value='Send'"),
    ]


def test_the_scanner_lets_marked_text_code_and_non_words_pass() -> None:
    source = (
        "{% load i18n %}{% blocktranslate with n=count %}{{ n }} lessons{% endblocktranslate %}\n"
        "{# a comment #}{% comment %}Notes for authors{% endcomment %}\n"
        "<code>academy_{{ prefix }}_</code><pre>print('hi')</pre><script>go()</script>\n"
        "<p>{{ a }} · {{ b }} › 3/4 (12%) – #{{ number }} &rsaquo; ✓</p>"
    )
    assert unmarked_text(source) == []
