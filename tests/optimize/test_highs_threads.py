"""HiGHS sizes its task scheduler per OS thread at the first run there; ``run_highs`` makes a
direct solve work whatever ran before in the same thread (the full suite once failed 44 tests
because an earlier test had run HiGHS with 2 threads in the main thread)."""

from __future__ import annotations

import threading

import highspy
import numpy as np

from computegeo.optimize.solve import run_highs


def _tiny(threads: int) -> highspy.Highs:
    """min x subject to x >= 1, 0 <= x <= 10, on ``threads`` HiGHS threads."""
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", threads)
    h.addVar(0.0, 10.0)
    h.changeColCost(0, 1.0)
    h.addRow(1.0, highspy.kHighsInf, 1, np.array([0], dtype=np.int32), np.array([1.0]))
    return h


def _in_own_thread(body) -> list[object]:  # noqa: ANN001 - a test body
    out: list[object] = []
    worker = threading.Thread(target=lambda: out.append(body()))
    worker.start()
    worker.join()
    return out


def test_plain_run_fails_after_another_thread_count_and_run_highs_does_not() -> None:
    def body() -> tuple[object, object, float]:
        _tiny(2).run()  # sizes this thread's scheduler at 2
        plain = _tiny(1)
        plain.run()
        fitted = _tiny(1)
        run_highs(fitted)
        return (
            plain.getModelStatus(),
            fitted.getModelStatus(),
            fitted.getInfo().objective_function_value,
        )

    [(plain, fitted, objective)] = _in_own_thread(body)
    assert (
        plain == highspy.HighsModelStatus.kNotset
    )  # HiGHS's behaviour, which run_highs works around
    assert fitted == highspy.HighsModelStatus.kOptimal
    assert objective == 1.0


def test_run_highs_switches_back_and_forth() -> None:
    def body() -> list[object]:
        return [run_highs(_tiny(n)) for n in (1, 2, 1, 1, 2)]

    [statuses] = _in_own_thread(body)
    assert statuses == [highspy.HighsStatus.kOk] * 5
