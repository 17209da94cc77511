"""The JSON document of a screen: method, weights, filters, ranking, exclusions, sensitivity.

``computegeo screen --format json`` and the web API's ``/api/screen`` both return it (the same
bytes).
"""

from __future__ import annotations

import json

from computegeo.screen.api import ScreenResult


def render_json(result: ScreenResult, filters: list[str]) -> str:
    """JSON document with method, weights, filters, ranking, exclusions and sensitivity.

    Parameters
    ----------
    result : ScreenResult
        The ranking.
    filters : list of str
        The hard filters as the user wrote them.

    Returns
    -------
    str
        Indented JSON text ending in a newline; ``sensitivity`` is null when not asked for.
    """
    table = result.table.reset_index()
    sens = result.sensitivity
    doc = {
        "method": result.method.value,
        "method_description": result.method.label,
        "weights": result.weight_shares,
        "directions": {c.column: c.direction.value for c in result.criteria},
        "filters": filters,
        "demand": list(result.demand),
        "ranking": json.loads(table.to_json(orient="records")),
        "excluded": json.loads(result.excluded.reset_index().to_json(orient="records")),
        "sensitivity": None
        if sens is None
        else {
            "samples": sens.samples,
            "top_k": sens.top_k,
            "seed": sens.seed,
            "concentration": sens.concentration,
            "swaps": [
                {
                    "leader": s.leader,
                    "runner_up": s.runner_up,
                    "criterion": s.criterion,
                    "share_now": s.share_now,
                    "share_at_swap": s.share_at_swap,
                    "description": s.describe(),
                }
                for s in sens.swaps
            ],
        },
    }
    return json.dumps(doc, indent=2) + "\n"
