"""A small course folder written for tests: two modules, four lessons, one quiz bank.

Its quiz has one question of each type (single, multiple, numeric, text, parameterized numeric)
and draws all five per attempt, so tests know every question an attempt holds.
"""

from pathlib import Path

COURSE_YAML = """\
slug: mini
title: Mini Course
description: A course for tests.
modules:
  - slug: basics
    title: Basics
    lessons:
      - slug: first-steps
        file: lessons/01-basics/01-first-steps.md
      - slug: variational-autoencoders
        file: lessons/01-basics/02-vae.md
    quiz: quizzes/01-basics.yaml
  - slug: more
    title: More
    lessons:
      - slug: tables-and-math
        file: lessons/02-more/01-tables-and-math.md
      - slug: last-words
        file: lessons/02-more/02-last-words.md
figures:
  Images/ae.png: {diagram: autoencoder, caption: Our autoencoder drawing.}
"""

LESSONS = {
    "lessons/01-basics/01-first-steps.md": """\
---
title: First Steps
---
## The Reparameterization Trick

Sample z as mu + sigma * eps.

![My Local Image](Images/fig_1.jpeg)

<p align="center"><i>A figure -
Image Courtesy: https://example.com/</i></p>

## Second heading

More text [with a link](https://example.com/page) and [a local one](#second-heading).
""",
    "lessons/01-basics/02-vae.md": """\
---
title: Variational Autoencoders (VAEs)
---
VAEs extend autoencoders.

-   **Reparameterization Trick:** makes sampling differentiable.

![An autoencoder](Images/ae.png)
""",
    "lessons/02-more/01-tables-and-math.md": """\
---
title: Tables and Math
---
| a | b |
|---|--:|
| 1 | 2 |

Inline $e^{i\\pi} + 1 = 0$ and display:

$$\\frac{a}{b}$$

>
> import numpy as np
>
> arr = np.array(\\[1, 2, 3\\])
""",
    "lessons/02-more/02-last-words.md": """\
---
title: Last Words
---
The end.
""",
}

QUIZ_YAML = """\
title: Basics quiz
questions_per_attempt: 5
max_attempts: null
cooldown_minutes: 0
keep: best
questions:
  - id: q-single
    type: single
    prompt: Why sample z as mu + sigma * eps?
    options:
      - {id: a, text: "So gradients reach mu and sigma", correct: true}
      - {id: b, text: "Speed"}
      - {id: c, text: "Because N cannot be sampled"}
    explanation: SINGLE-EXPLANATION gradients flow through mu and sigma.
    lesson: first-steps#the-reparameterization-trick
  - id: q-multiple
    type: multiple
    prompt: Which are generative models?
    options:
      - {id: a, text: VAE, correct: true}
      - {id: b, text: GAN, correct: true}
      - {id: c, text: Logistic regression}
      - {id: d, text: Diffusion model, correct: true}
    explanation: MULTIPLE-EXPLANATION logistic regression is discriminative.
    lesson: variational-autoencoders
  - id: q-numeric
    type: numeric
    prompt: What is 2 to the power 10?
    answer: 1024
    tolerance: {absolute: 0.5}
    explanation: NUMERIC-EXPLANATION 2**10 = 1024.
    lesson: first-steps
  - id: q-text
    type: text
    prompt: Name the trick that lets gradients flow through sampling.
    answers: [reparameterization trick, reparameterisation trick]
    pattern: 'reparam\\w*( trick)?'
    explanation: TEXT-EXPLANATION the reparameterization trick.
    lesson: first-steps
  - id: q-softmax
    type: numeric
    params:
      z: {ints: [-3, 3], size: 3}
    prompt: "Softmax of {z}: probability of the first class?"
    answer: "softmax(z)[0]"
    tolerance: {absolute: 0.001}
    explanation: "PARAM-EXPLANATION it is {answer:.3f}."
    lesson: first-steps
"""


def write_mini_course(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "course.yaml").write_text(COURSE_YAML, encoding="utf-8")
    for relative, text in LESSONS.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "quizzes").mkdir(exist_ok=True)
    (root / "quizzes" / "01-basics.yaml").write_text(QUIZ_YAML, encoding="utf-8")
    return root
