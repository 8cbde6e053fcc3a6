"""Our own SVG diagrams for core ideas, shown in place of figures that were never supplied.

A course maps a missing figure file to one of these names in course.yaml (`figures:`). The
markup is ours, so it is inserted after the lesson HTML has been sanitized. Colours come from
CSS classes (static/css/site.css) so the diagrams follow the site's theme. Each has a <title>
and a <desc> (its text alternative) that the <svg> is labelled by.

`shapes` holds the drawing pieces; `networks` the model architectures; `concepts` the rest.
"""

from courseware.diagrams.concepts import CONCEPTS
from courseware.diagrams.networks import NETWORKS

# Diagram name (as course.yaml's `figures:` gives it) -> its SVG markup.
DIAGRAMS: dict[str, str] = {**CONCEPTS, **NETWORKS}
