"""Issue 12.4: "best" is the lowest validation value, and the hint's words match the stop rule."""

from __future__ import annotations

from models.training.validation import MIN_IMPROVEMENT, StopMonitor

# Steps 20-60 are each lower than step 10, but none by MIN_IMPROVEMENT (0.2 %) on the one before.
SEEN = [(10, 1.0), (20, 0.9990), (30, 0.9985), (40, 0.9989), (50, 0.9982), (60, 0.9981)]


def test_best_is_the_lowest_evaluation():
    monitor = StopMonitor(patience=3)
    reports = [monitor.update(s, v) for s, v in SEEN]
    assert monitor.best() == (60, 0.9981)
    assert reports[-1].best_step == 60 and reports[-1].best_mel_l1 == 0.9981
    # best.ckpt is written when is_best: exactly at each new lowest value
    assert [r.step for r in reports if r.is_best] == [10, 20, 30, 50, 60]


def test_plateau_counts_evaluations_without_a_clear_improvement():
    monitor = StopMonitor(patience=3)
    reports = [monitor.update(s, v) for s, v in SEEN]
    # no evaluation improved by MIN_IMPROVEMENT since step 10: the 3rd one after it (step 40) is a plateau
    assert [r.signal for r in reports] == [None, None, None, "plateau", "plateau", "plateau"]
    assert f"{100 * MIN_IMPROVEMENT:g} %" in reports[-1].advice
    assert "step 60" in reports[-1].advice  # the best named is the one export takes


def test_verdict_matches_the_advice():
    monitor = StopMonitor(patience=3)
    improving = monitor.update(10, 2.0)
    assert improving.verdict == "Keep training" and "improving" in improving.advice
    flat = monitor.update(20, 2.0)  # no clear improvement, but not yet `patience` evaluations
    assert flat.signal is None
    assert flat.verdict != "Keep training"  # the old page said "Keep training" beside "no improvement"
    assert "1 of 3" in flat.advice
    monitor.update(30, 2.0)
    assert monitor.update(40, 2.0).verdict == "You can stop now"
    worse = StopMonitor(patience=2)
    for s, v in [(1, 3.0), (2, 2.0), (3, 2.1), (4, 2.3)]:
        report = worse.update(s, v)
    assert report.signal == "overfitting" and report.verdict == "Stop now" and report.best_step == 2
