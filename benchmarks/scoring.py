"""Scoring benchmark (issue 5); the dashboard's moved to benchmarks/scale.py."""

import random
import time


def score_throughput(users) -> None:
    """score_assessments_per_s: the pure function over 1,000 assessments × 60 items."""
    from assessments import scoring

    rng = random.Random(5)
    sections = [scoring.SectionSpec(f"S{n}", weight=rng.choice([1, 2, 3])) for n in range(10)]
    items = []
    for n in range(60):
        kind = ("yes_no", "yes_no", "single_choice", "number")[n % 4]
        items.append(
            scoring.ItemSpec(
                code=f"S{n % 10}-{n:02d}",
                section=f"S{n % 10}",
                answer_type=kind,
                weight=rng.choice([1, 2, 3, 5]),
                critical=n % 17 == 0,
                allow_na=n % 5 == 0,
                choices=(("a", 1.0), ("b", 0.5), ("c", 0.0)) if kind == "single_choice" else (),
                thresholds=scoring.Thresholds(24, 72) if kind == "number" else None,
            )
        )
    values = {
        "yes_no": ["yes", "partial", "no", "na", None],
        "single_choice": ["a", "b", "c"],
        "number": [12, 48, 96],
    }
    answers = [{i.code: rng.choice(values[i.answer_type]) for i in items} for _ in range(1000)]
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        for a in answers:
            scoring.score(sections, items, a)
        runs.append(time.perf_counter() - start)
    print(f"score_assessments_per_s: {1000 / min(runs):.0f}")
