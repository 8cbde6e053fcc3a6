"""The exercise bank's tests verify instead of trusting, and draw their hidden inputs from the
grading seed. These checks read the course files only; test_exercise_bank.py grades every check
(the cheats included) through the real sandboxes and proves the points each one earns."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from grading.notebooks import BEGIN_HIDDEN

EXERCISES = Path(__file__).resolve().parents[2] / "content" / "gen-ai-guide" / "exercises"
FOLDERS = (
    sorted(path for path in EXERCISES.iterdir() if path.is_dir()) if EXERCISES.exists() else []
)

# Each exercise once believed the learner's own account of its work; the cheat that passed it
# is a checked mistake now, at 0 points.
NAMED_CHEATS = {
    "train-to-target-loss": "mistakes/made-up-history.py",
    "autoencoder-torch": "mistakes/echo-forward.py",
    "mixed-precision-autocast": "mistakes/fp32-step-reports-dtype.py",
}

# A draw from entropy: it cannot be replayed from the grading run's seed.
ENTROPY = re.compile(r"default_rng\(\s*\)|\btorch\.seed\(\)|\.seed\(\s*\)|\brandom\.seed\(\s*\)")
# A draw from a random generator (NumPy, torch or the random module).
DRAWS = re.compile(
    r"\brng\.|\btorch\.(randn|rand|randint|randperm|normal)\(|\brandom\.\w+\(|\.normal_\("
)


def _checks(folder: Path) -> dict[str, float]:
    meta = yaml.safe_load((folder / "exercise.yaml").read_text(encoding="utf-8"))
    return {str(check["file"]): float(check["points"]) for check in meta.get("checks", [])}


def _hidden_cells(folder: Path) -> list[tuple[str, str]]:
    notebook = json.loads((folder / "source.ipynb").read_text(encoding="utf-8"))
    cells = []
    for cell in notebook["cells"]:
        source = cell["source"]
        source = "".join(source) if isinstance(source, list) else source
        if cell["cell_type"] == "code" and BEGIN_HIDDEN in source:
            cells.append((cell["metadata"]["nbgrader"]["grade_id"], source))
    return cells


@pytest.mark.parametrize("slug", sorted(NAMED_CHEATS))
def test_each_named_cheat_is_a_checked_mistake_at_zero(slug: str) -> None:
    folder = EXERCISES / slug
    cheat = NAMED_CHEATS[slug]
    assert (folder / cheat).is_file()
    assert _checks(folder)[cheat] == 0.0


@pytest.mark.parametrize("folder", FOLDERS, ids=[folder.name for folder in FOLDERS])
def test_hidden_tests_draw_from_the_grading_seed(folder: Path) -> None:
    for grade_id, source in _hidden_cells(folder):
        assert not ENTROPY.search(source), f"{folder.name}/{grade_id} draws from entropy"
        if DRAWS.search(source):
            assert "GRADING_SEED" in source, f"{folder.name}/{grade_id} ignores GRADING_SEED"


def test_the_rules_catch_what_they_are_for() -> None:
    assert ENTROPY.search("rng = np.random.default_rng()")
    assert ENTROPY.search("torch.seed()   # fresh test-side randomness")
    assert ENTROPY.search("g.seed()")
    assert not ENTROPY.search("rng = np.random.default_rng(GRADING_SEED)")
    assert DRAWS.search("x = torch.randn(3, 4)")
    assert DRAWS.search("n = int(rng.integers(3, 8))")
    assert DRAWS.search("d = random.randint(4, 20)")
    assert not DRAWS.search("x = torch.zeros(3)")
