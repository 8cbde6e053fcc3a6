"""Diagrams of core ideas: AI and its fields, the maths, losses, training, prompting, history."""

import math

from courseware.diagrams.shapes import arrow, box, svg_diagram, text_label


def _ai_ml_dl() -> str:
    rings = [
        (20, 20, 600, 300, "Artificial intelligence", "search, rules, planning, learning"),
        (70, 75, 500, 235, "Machine learning", "models that learn patterns from data"),
        (120, 130, 400, 170, "Deep learning", "many-layered neural networks"),
        (180, 185, 280, 100, "Generative AI", "models that create new data"),
    ]
    parts = []
    for index, (x, y, w, h, name, note) in enumerate(rings):
        css = "dg-box dg-accent" if index == len(rings) - 1 else "dg-box"
        parts.append(f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="16" class="{css}"/>')
        parts.append(text_label(x + w / 2, y + 24, name, "dg-text"))
        parts.append(text_label(x + w / 2, y + 42, note))
    return svg_diagram(
        "AI, machine learning and deep learning",
        "Nested fields: artificial intelligence contains machine learning, which contains deep "
        "learning, which contains generative AI.",
        640,
        340,
        "".join(parts),
    )


def _ai_applications() -> str:
    fields = [
        ("Healthcare", "diagnosis from scans"),
        ("Finance", "fraud detection"),
        ("Transport", "driver assistance"),
        ("Retail", "recommendations"),
        ("Manufacturing", "predictive maintenance"),
        ("Media", "content creation"),
    ]
    parts = []
    for index, (name, example) in enumerate(fields):
        angle = math.pi * 2 * index / len(fields) - math.pi / 2
        x, y = 320 + 225 * math.cos(angle), 168 + 125 * math.sin(angle)
        parts.append(
            f'<line x1="320" y1="168" x2="{x:.1f}" y2="{y:.1f}" class="dg-muted-line" '
            'stroke-width="2"/>'
        )
        parts.append(
            f'<rect x="{x - 85:.1f}" y="{y - 24:.1f}" width="170" height="48" rx="8" '
            'class="dg-box"/>'
        )
        parts.append(text_label(round(x, 1), round(y - 3, 1), name, "dg-text"))
        parts.append(text_label(round(x, 1), round(y + 15, 1), example))
    parts.append(box(250, 140, 140, 56, "AI", "dg-box dg-accent"))
    return svg_diagram(
        "Applications of AI",
        "AI at the centre, with examples from six fields: healthcare (diagnosis from scans), "
        "finance (fraud detection), transport (driver assistance), retail (recommendations), "
        "manufacturing (predictive maintenance) and media (content creation).",
        640,
        340,
        "".join(parts),
    )


def _math_for_ml() -> str:
    pillars = [
        ("Linear algebra", "vectors, matrices:", "data and weights"),
        ("Probability", "distributions:", "uncertainty, sampling"),
        ("Calculus", "derivatives:", "gradients for training"),
    ]
    parts = []
    for index, (name, line1, line2) in enumerate(pillars):
        x = 30 + index * 205
        parts.append(box(x, 30, 170, 50, name))
        parts.append(text_label(x + 85, 100, line1))
        parts.append(text_label(x + 85, 118, line2))
        parts.append(arrow(x + 85, 128, 320, 188))
    parts.append(box(200, 190, 240, 54, "a machine learning model", "dg-box dg-accent"))
    return svg_diagram(
        "Mathematics for machine learning",
        "Three areas of mathematics feed every model: linear algebra represents data and "
        "weights, probability describes uncertainty and sampling, and calculus gives the "
        "gradients used in training.",
        640,
        260,
        "".join(parts),
    )


def _curve(points: list[tuple[float, float]], css: str, dash: str = "") -> str:
    coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    extra = f' stroke-dasharray="{dash}"' if dash else ""
    return f'<polyline points="{coords}" class="{css}" stroke-width="2.5" fill="none"{extra}/>'


def _loss_functions() -> str:
    # Loss against the error e = prediction - target, for e in [-3, 3], drawn to scale.
    def plot(loss: object) -> list[tuple[float, float]]:
        assert callable(loss)
        samples = [-3 + step * 0.1 for step in range(61)]
        return [(320 + e * 80, 250 - min(float(loss(e)), 4.6) * 45) for e in samples]

    def huber(e: float) -> float:
        return 0.5 * e * e if abs(e) <= 1 else abs(e) - 0.5

    body = (
        arrow(70, 250, 580, 250)
        + arrow(320, 262, 320, 30)
        + text_label(575, 240, "error e", "dg-small")
        + text_label(320, 22, "loss")
        + _curve(plot(lambda e: 0.5 * e * e), "dg-accent-line")
        + _curve(plot(abs), "dg-line", "7 5")
        + _curve(plot(huber), "dg-muted-line", "2 4")
        + text_label(200, 290, "solid: squared error (MSE), ½e²", "dg-small dg-left")
        + text_label(200, 308, "dashed: absolute error (MAE), |e|", "dg-small dg-left")
        + text_label(
            200, 326, "dotted: Huber, squared near 0 and linear beyond", "dg-small dg-left"
        )
        + text_label(
            320, 354, "MSE punishes large errors most; MAE and Huber are kinder to outliers"
        )
    )
    return svg_diagram(
        "Common loss functions",
        "Loss plotted against the error: squared error grows as a parabola, absolute error as a "
        "V, and the Huber loss is squared near zero and linear further out, so it is less "
        "sensitive to outliers than squared error.",
        640,
        370,
        body,
    )


def _training_pipeline() -> str:
    steps = ["data", "preprocess", "architecture", "train", "evaluate"]
    parts = []
    for index, name in enumerate(steps):
        x = 15 + index * 126
        css = "dg-box dg-accent" if name == "train" else "dg-box"
        parts.append(box(x, 60, 112, 50, name, css))
        if index < len(steps) - 1:
            parts.append(arrow(x + 112, 85, x + 124, 85))
    parts.append(
        '<path d="M580 112 C 580 190, 300 190, 290 114" class="dg-muted-line" fill="none" '
        'stroke-width="2" stroke-dasharray="6 5" marker-end="url(#dg-arrow)"/>'
    )
    parts.append(text_label(430, 196, "not good enough: adjust and train again"))
    parts.append(
        text_label(320, 30, "clean, normalise, augment · pick a model family · minimise a loss")
    )
    parts.append(text_label(320, 232, "evaluate on held-out data with the metrics of the task"))
    return svg_diagram(
        "Training a generative model",
        "The steps of training: collect data, preprocess it, choose an architecture, minimise a "
        "loss with an optimiser, and evaluate on held-out data, going back to adjust when the "
        "results are not good enough.",
        640,
        250,
        "".join(parts),
    )


def _few_shot() -> str:
    parts = [text_label(150, 28, "support set: 2 classes × 3 examples", "dg-text")]
    for row, name in enumerate(["class A", "class B"]):
        y = 50 + row * 80
        parts.append(text_label(45, y + 30, name, "dg-small"))
        for col in range(3):
            css = "dg-cell-dark" if row == 0 else "dg-cell-light"
            parts.append(
                f'<rect x="{90 + col * 60}" y="{y}" width="46" height="46" rx="6" '
                f'class="{css}" stroke="#5b6475"/>'
            )
        parts.append(arrow(270, y + 23, 330, y + 23))
        parts.append(box(335, y, 130, 46, f"prototype {name[-1]}", "dg-box"))
    parts.append(box(520, 170, 100, 46, "query", "dg-box dg-accent"))
    parts.append(arrow(540, 168, 468, 80, "dg-accent-line"))
    parts.append(arrow(540, 218, 468, 160, "dg-muted-line"))
    parts.append(text_label(320, 250, "embed everything with a pre-trained network;"))
    parts.append(
        text_label(320, 268, "the query takes the class of the nearest prototype (here A)")
    )
    return svg_diagram(
        "Few-shot learning",
        "Few-shot classification: a support set gives three examples of each of two classes; "
        "their embeddings are averaged into prototypes, and a query example is given the class "
        "of the nearest prototype.",
        640,
        285,
        "".join(parts),
    )


def _zero_shot() -> str:
    classes = [("horse", "hooves, mane", 95), ("tiger", "stripes, feline", 160)]
    parts = [text_label(130, 30, "classes seen in training", "dg-text")]
    parts.append('<ellipse cx="420" cy="150" rx="120" ry="105" class="dg-box"/>')
    parts.append(text_label(420, 66, "shared embedding space", "dg-small"))
    for name, words, y in classes:
        parts.append(box(20, y - 25, 220, 44, f"{name}: {words}"))
        parts.append(arrow(240, y - 3, 372, y - 3))
        parts.append(f'<circle cx="380" cy="{y - 3}" r="6" class="dg-box"/>')
        parts.append(text_label(410, y + 2, name, "dg-small dg-left"))
    parts.append(text_label(130, 210, "a class never seen", "dg-text"))
    parts.append(box(20, 225, 220, 44, "zebra: hooves, stripes", "dg-box dg-accent"))
    parts.append(arrow(240, 247, 392, 222, "dg-accent-line"))
    parts.append('<circle cx="400" cy="220" r="6" class="dg-box dg-accent"/>')
    parts.append(text_label(430, 225, "zebra", "dg-small dg-left"))
    parts.append(box(550, 195, 70, 44, "photo", "dg-box"))
    parts.append(arrow(550, 217, 470, 214, "dg-line"))
    parts.append(text_label(580, 260, "nearest: zebra", "dg-small"))
    parts.append(
        text_label(320, 292, "class descriptions and images share one space, so a new class")
    )
    parts.append(text_label(320, 310, "is recognised from its description alone"))
    return svg_diagram(
        "Zero-shot learning",
        "Zero-shot classification: descriptions of classes and images are mapped into one "
        "shared space; a photo of a class never seen in training, such as a zebra, lands "
        "nearest the description hooves and stripes, so it is recognised from that "
        "description alone.",
        640,
        320,
        "".join(parts),
    )


def _fine_tuning() -> str:
    parts = [text_label(190, 28, "pre-trained on a large data set", "dg-text")]
    for index in range(4):
        x = 30 + index * 85
        parts.append(box(x, 50, 70, 100, f"layer {index + 1}"))
        parts.append(text_label(x + 35, 170, "frozen"))
        if index < 3:
            parts.append(arrow(x + 70, 100, x + 83, 100))
    parts.append(arrow(370, 100, 418, 100, "dg-accent-line"))
    parts.append(box(420, 50, 90, 100, "new head", "dg-box dg-accent"))
    parts.append(text_label(465, 170, "trained"))
    parts.append(arrow(510, 100, 560, 100))
    parts.append(text_label(595, 105, "output", "dg-text"))
    parts.append(
        text_label(320, 210, "small task data set → train the new head (lower layers kept)")
    )
    parts.append(
        text_label(320, 230, "then optionally unfreeze upper layers with a small learning rate")
    )
    return svg_diagram(
        "Fine-tuning a pre-trained model",
        "Fine-tuning: the layers of a network pre-trained on a large data set are kept frozen "
        "and a new output head is trained on the small task data; upper layers may later be "
        "unfrozen and trained with a small learning rate.",
        640,
        245,
        "".join(parts),
    )


def _timeline() -> str:
    events = [
        ("2014", "GAN"),
        ("2017", "Transformer"),
        ("2018", "GPT-1, BERT"),
        ("2020", "GPT-3, DDPM"),
        ("2021", "DALL-E, CLIP"),
        ("2022", "Stable Diffusion, ChatGPT"),
        ("2023", "GPT-4, LLaMA, Mistral 7B"),
    ]
    parts = [arrow(20, 60, 625, 60)]
    for index, (year, names) in enumerate(events):
        x = 45 + index * 90
        parts.append(f'<circle cx="{x}" cy="60" r="6" class="dg-box dg-accent"/>')
        parts.append(text_label(x, 45, year, "dg-text"))
        lines = names.split(", ")
        for line, name in enumerate(lines):
            # Alternate below and far below the line so neighbouring labels do not collide.
            top = 88 if index % 2 == 0 else 88 + 16 * 3
            parts.append(text_label(x, top + line * 16, name))
    return svg_diagram(
        "A timeline of generative AI",
        "Milestones: GANs (2014), the Transformer (2017), GPT-1 and BERT (2018), GPT-3 and "
        "DDPM diffusion models (2020), DALL-E and CLIP (2021), Stable Diffusion and ChatGPT "
        "(2022), GPT-4, LLaMA and Mistral 7B (2023).",
        640,
        180,
        "".join(parts),
    )


CONCEPTS: dict[str, str] = {
    "ai-ml-dl": _ai_ml_dl(),
    "ai-applications": _ai_applications(),
    "math-for-ml": _math_for_ml(),
    "loss-functions": _loss_functions(),
    "training-pipeline": _training_pipeline(),
    "few-shot": _few_shot(),
    "zero-shot": _zero_shot(),
    "fine-tuning": _fine_tuning(),
    "timeline": _timeline(),
}
