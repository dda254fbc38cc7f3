"""What every benchmark shares: interleaved rounds, medians with their spread, and the
``name: value`` lines ``make bench`` prints.

A figure that compares two things (a page at 100,000 vendors against 100, our import
against a bare ``bulk_create``) is measured in ROUNDS rounds; each round measures both
sides, the order alternating from round to round, so that load from other processes on a
shared machine weighs on both sides of each ratio alike. The figure is the median of the
rounds' ratios and ``<name>_spread`` is their max - min.

Adding a benchmark (see README, "Benchmarks"):

    from benchmarks.harness import interleaved_ratio, emit

    def answer_save(users):
        ratio = interleaved_ratio(
            "answer_save_over_bare_update_ratio", ours=lambda: ..., bare=lambda: ...
        )  # each callable returns seconds (or ms) of one measurement

then add ``answer_save`` to the list in ``benchmarks.__main__._registered``.
``BENCH_ONLY=answer_save make bench`` runs it alone.
"""

import os
import statistics
import sys
import time

QUICK = os.environ.get("BENCH_QUICK", "") not in ("", "0")
ROUNDS = 5
# Requests timed per side and round (the median of them is the round's figure).
REQUESTS = 7 if QUICK else 15


def emit(name: str, value, digits: int = 2) -> None:
    """One ``name: value`` line, flushed at once so a long run shows progress."""
    text = f"{value:.{digits}f}" if isinstance(value, float) else str(value)
    print(f"{name}: {text}")
    sys.stdout.flush()


def emit_spread(name: str, values: list[float], digits: int = 2) -> float:
    """``name: median`` and ``name_spread: max - min``; returns the median."""
    median = statistics.median(values)
    emit(name, median, digits)
    emit(f"{name}_spread", max(values) - min(values), digits)
    return median


def median_ms(call, n: int = REQUESTS, warm: int = 2) -> float:
    """Median wall time of ``call()`` in milliseconds, after ``warm`` untimed calls."""
    for _ in range(warm):
        call()
    timings = []
    for _ in range(n):
        start = time.perf_counter()
        call()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def interleaved(sides: dict, rounds: int = ROUNDS) -> dict[str, list[float]]:
    """Each side's measurement once per round, the order turning round by round."""
    labels = list(sides)
    results = {label: [] for label in labels}
    for n in range(rounds):
        order = labels if n % 2 == 0 else labels[::-1]
        for label in order:
            results[label].append(sides[label]())
    return results


def interleaved_ratio(name: str, ours, bare, rounds: int = ROUNDS) -> float:
    """``ours() / bare()`` per round (interleaved); prints the median and the spread."""
    results = interleaved({"ours": ours, "bare": bare}, rounds)
    ratios = [a / b for a, b in zip(results["ours"], results["bare"], strict=True)]
    return emit_spread(name, ratios)
