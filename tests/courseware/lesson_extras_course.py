"""Extras for the mini course (tests/courseware/mini_course.py): objectives and "check
yourself" questions for one module, and a small glossary. Shared by the lesson-extras tests."""

from __future__ import annotations

from pathlib import Path

EXTRAS_YAML = """\
first-steps:
  objectives:
    - "Explain why a VAE samples with *mu + sigma * eps*."
    - "Name the two parts of an autoencoder."
  check:
    - prompt: "Why does a VAE sample its code as `mu + sigma * eps`?"
      type: single
      options:
        - {text: "So that gradients can reach mu and sigma", correct: true}
        - {text: "So that the code needs fewer numbers"}
        - {text: "So that decoding becomes deterministic"}
      explanation: "CHECK-ONE-EXPLANATION the noise becomes an input, so the sample is differentiable."
    - prompt: "Which of these are generative models?"
      type: multiple
      options:
        - {text: "A variational autoencoder", correct: true}
        - {text: "Logistic regression"}
        - {text: "A GAN", correct: true}
      explanation: "CHECK-TWO-EXPLANATION logistic regression models p(y | x) only."
"""

GLOSSARY_YAML = """\
- term: Variational autoencoder
  also: [variational autoencoders, VAE, VAEs]
  definition: An autoencoder whose codes follow a **distribution**.
- term: Autoencoder
  also: [autoencoders]
  definition: A network that rebuilds its input through a small code.
- term: Sampling
  definition: Drawing a value at random from a distribution.
"""


def write_extras(
    course_dir: Path, extras: str = EXTRAS_YAML, glossary: str = GLOSSARY_YAML
) -> Path:
    (course_dir / "lessons" / "01-basics" / "extras.yaml").write_text(extras, encoding="utf-8")
    (course_dir / "glossary.yaml").write_text(glossary, encoding="utf-8")
    return course_dir
