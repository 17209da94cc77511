"""The HTTP API in process: data endpoints, validation errors, security guard, JSON errors.

Plan jobs are covered in ``test_web_jobs.py``; here the dispatcher is off, so nothing solves.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from computegeo.cli import main
from computegeo.core.errors import InputError
from computegeo.dataset import residency
from computegeo.latency import rtt_ms
from computegeo.web.app import create_app
from computegeo.web.state import ServeSettings
from web_helpers import BASE_URL, TINY_YAML, client


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    with client(tmp_path_factory.mktemp("api"), start_dispatcher=False) as c:
        yield c


def test_markets_is_the_cli_json(api: TestClient, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["markets", "--format", "json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    r = api.get("/api/markets")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    assert r.json() == cli
    assert len(cli) >= 45


def test_one_market_has_source_and_year_of_every_value(api: TestClient) -> None:
    doc = api.get("/api/markets/sydney").json()
    assert doc["id"] == "sydney"
    price = doc["attributes"]["power_price_usd_per_mwh"]
    assert price["source"]
    assert isinstance(price["year"], int)
    assert all("source" in a and "year" in a for a in doc["attributes"].values())


def test_unknown_market_is_404_with_a_suggestion(api: TestClient) -> None:
    r = api.get("/api/markets/sydny")
    assert r.status_code == 404
    assert "Did you mean 'sydney'" in r.json()["message"]


def test_screen_ranks_and_reports_sensitivity(api: TestClient) -> None:
    body = {
        "weights": {"price": 3, "carbon": 1},
        "filters": ["democracy_index >= 8"],
        "sensitivity": {"samples": 100, "seed": 1},
    }
    r = api.post("/api/screen", json=body)
    assert r.status_code == 200
    doc = r.json()
    ranks = [row["rank"] for row in doc["ranking"]]
    assert ranks == sorted(ranks)
    assert ranks[0] == 1
    assert doc["sensitivity"]["samples"] == 100
    assert all(0.0 <= row["top_k_share"] <= 1.0 for row in doc["ranking"])
    assert doc["weights"] == pytest.approx(
        {"power_price_usd_per_mwh": 0.75, "carbon_intensity_g_per_kwh": 0.25}
    )
    # carbon alone: the cleanest grid comes first
    other = api.post("/api/screen", json={"weights": {"carbon": 1}, "sensitivity": None}).json()
    carbon = [row["carbon_intensity_g_per_kwh"] for row in other["ranking"]]
    assert carbon[0] == min(carbon)
    assert other["sensitivity"] is None


def test_screen_unknown_criterion_is_422_with_did_you_mean(api: TestClient) -> None:
    r = api.post("/api/screen", json={"weights": {"prise": 1}})
    assert r.status_code == 422
    (error,) = r.json()["errors"]
    assert error["field"] == "screen"
    assert "Did you mean 'price'" in error["message"]


def test_screen_body_errors_name_the_field(api: TestClient) -> None:
    r = api.post("/api/screen", json={"weights": {"price": -1}, "sensitivity": {"samples": 10**6}})
    assert r.status_code == 422
    fields = {e["field"] for e in r.json()["errors"]}
    assert fields == {"weights.price", "sensitivity.samples"}


def test_latency_is_the_model(api: TestClient) -> None:
    r = api.get("/api/latency", params={"from": "sydney", "to": "tokyo"})
    assert r.status_code == 200
    doc = r.json()
    a, b = doc["from"], doc["to"]
    expected = float(rtt_ms(a["latitude"], a["longitude"], b["latitude"], b["longitude"]))
    assert doc["rtt_ms"] == pytest.approx(expected, rel=1e-12)
    assert doc["rtt_ms"] >= doc["fibre_floor_rtt_ms"] > 0
    point = api.get("/api/latency", params={"from": "1.35,103.82", "to": "-33.87,151.21"}).json()
    assert np.isfinite(point["rtt_ms"])


def test_latency_unknown_place_is_422(api: TestClient) -> None:
    r = api.get("/api/latency", params={"from": "sydny", "to": "tokyo"})
    assert r.status_code == 422
    (error,) = r.json()["errors"]
    assert error["field"] == "from"
    assert "Did you mean" in error["message"]
    assert api.get("/api/latency", params={"from": "sydney"}).status_code == 422


def test_residency_lists_allowed_countries_with_the_legal_basis(api: TestClient) -> None:
    doc = api.get("/api/residency", params={"class": "eu_personal", "from": "DE"}).json()
    assert doc["allowed_countries"] == sorted(residency.allowed_destinations("eu_personal", "DE"))
    assert "FR" in doc["allowed_countries"]
    assert "US" not in doc["allowed_countries"]
    assert doc["restricted"]
    assert doc["legal_basis"]
    assert doc["source"]
    assert doc["year"]
    bad = api.get("/api/residency", params={"class": "eu_persnal", "from": "DE"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "class"


def test_map_has_every_market_and_the_world(api: TestClient) -> None:
    doc = api.get("/api/map").json()
    markets = api.get("/api/markets").json()
    assert set(doc["markets"]) == {m["id"] for m in markets}
    assert len(doc["countries"]) > 150
    assert all(
        0 <= x <= doc["width_px"] and 0 <= y <= doc["height_px"] for x, y in doc["markets"].values()
    )


def test_examples_are_listed_and_served(api: TestClient) -> None:
    names = api.get("/api/examples").json()
    assert "reference" in names
    assert "sovereign_eu" in names
    assert "horizon:" in api.get("/api/examples/sovereign_eu").text
    assert api.get("/api/examples/nope").status_code == 404


BAD_PLANS = {
    "out_of_range": ("horizon.start_year", TINY_YAML.replace("2027, end_year", "1990, end_year")),
    "unknown_key": (
        "workloads[0].latency_limit",
        TINY_YAML.replace("latency_limit_ms", "latency_limit"),
    ),
    "unknown_market": (
        "policies.markets.include[0]",
        TINY_YAML.replace("[frankfurt,", "[frankfurd,"),
    ),
    "not_yaml": ("", "name: [unclosed\n"),
}


@pytest.mark.parametrize("case", sorted(BAD_PLANS))
def test_bad_scenario_is_422_naming_the_field(api: TestClient, case: str) -> None:
    field, text = BAD_PLANS[case]
    r = api.post("/api/plans", json={"scenario": text})
    assert r.status_code == 422
    errors = r.json()["errors"]
    assert all(set(e) >= {"field", "message"} for e in errors)
    assert field in {e["field"] for e in errors} or (field == "" and errors)
    assert "staging" not in r.text  # no server path leaks into messages


def test_unknown_market_message_suggests_the_close_id(api: TestClient) -> None:
    text = TINY_YAML.replace("[frankfurt,", "[frankfurd,")
    errors = api.post("/api/plans", json={"scenario": text}).json()["errors"]
    (error,) = [e for e in errors if e["field"] == "policies.markets.include[0]"]
    assert "Did you mean 'frankfurt'" in error["message"]
    assert error["line"] == 14  # the include: line of TINY_YAML


def test_plan_request_shape_errors(api: TestClient) -> None:
    both = api.post("/api/plans", json={"scenario": TINY_YAML, "example": "reference"})
    assert both.status_code == 422
    assert both.json()["errors"][0]["field"] == "scenario"
    unknown = api.post("/api/plans", json={"example": "referense"})
    assert unknown.status_code == 422
    assert "Did you mean 'reference'" in unknown.json()["errors"][0]["message"]
    extra = api.post("/api/plans", json={"scenario": TINY_YAML, "path": "/etc/passwd"})
    assert extra.status_code == 422
    assert extra.json()["errors"][0]["field"] == "path"


def test_server_paths_in_a_scenario_are_refused(api: TestClient) -> None:
    text = TINY_YAML + "dataset:\n  markets: /etc/passwd\n"
    r = api.post("/api/plans", json={"scenario": text})
    assert r.status_code == 422
    (error,) = r.json()["errors"]
    assert error["field"] == "dataset.markets"
    assert "markets_override" in error["message"]


def test_a_bad_uploaded_override_is_422_naming_the_file(api: TestClient) -> None:
    upload = {"format": "csv", "content": "market_id,power_price_usd_per_mwh\nfrankfurt,cheap\n"}
    r = api.post("/api/plans", json={"scenario": TINY_YAML, "markets_override": upload})
    assert r.status_code == 422
    assert "markets_override.csv" in r.text
    assert "power_price_usd_per_mwh" in r.text


def test_validate_endpoint_accepts_a_good_scenario(api: TestClient) -> None:
    ok = api.post("/api/scenarios/validate", json={"scenario": TINY_YAML})
    assert ok.status_code == 200
    assert ok.json()["name"] == "tiny web test"
    as_json = api.post(
        "/api/scenarios/validate",
        json={"scenario": __import__("yaml").safe_load(TINY_YAML)},
    )
    assert as_json.json()["scenario_hash"] == ok.json()["scenario_hash"]


def test_unknown_routes_and_methods_answer_json(api: TestClient) -> None:
    for r in (api.get("/api/nope"), api.put("/api/markets"), api.get("/api/plans/0000")):
        assert r.status_code in (404, 405)
        assert r.headers["content-type"] == "application/json"
        assert r.json()["message"]


def test_cors_is_closed(api: TestClient) -> None:
    headers = {"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST"}
    pre = api.options("/api/plans", headers=headers)
    assert "access-control-allow-origin" not in pre.headers
    get = api.get("/api/markets", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in get.headers


def test_page_and_static_files_are_served_with_a_closed_csp(api: TestClient) -> None:
    page = api.get("/")
    assert page.status_code == 200
    assert "<svg" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for name in ("app.js", "style.css"):
        r = api.get(f"/static/{name}")
        assert r.status_code == 200
        text = r.text.replace("http://www.w3.org/2000/svg", "")  # the SVG namespace name
        assert "http://" not in text
        assert "https://" not in text
    docs = api.get("/docs")
    assert docs.status_code == 200
    # the API docs load their script and style from this server, not a CDN
    assert "/docs-static/swagger-ui-bundle.js" in docs.text
    assert "https://" not in docs.text
    assert api.get("/docs-static/swagger-ui-bundle.js").status_code == 200
    assert "/api/plans" in api.get("/openapi.json").json()["paths"]


def test_other_host_names_are_refused_on_loopback(tmp_path: Path) -> None:
    app = create_app(ServeSettings(data_dir=tmp_path), start_dispatcher=False)
    with TestClient(app, base_url="http://rebound.example") as c:
        r = c.get("/api/markets")
    assert r.status_code == 421
    assert r.json()["message"]


def test_body_over_the_limit_is_413(tmp_path: Path) -> None:
    with client(tmp_path, start_dispatcher=False, max_body_bytes=1000) as c:
        big = {"scenario": TINY_YAML + "#" * 2000}
        r = c.post("/api/plans", json=big)
        assert r.status_code == 413
        assert "1,000 bytes" in r.json()["message"]

        def chunks():  # no Content-Length: the guard counts the streamed bytes
            yield b'{"scenario": "'
            for _ in range(10):
                yield b"#" * 200
            yield b'"}'

        chunked = c.post(
            "/api/plans", content=chunks(), headers={"Content-Type": "application/json"}
        )
        assert chunked.status_code == 413
        assert c.post("/api/scenarios/validate", json={"scenario": TINY_YAML}).status_code == 200


def test_default_body_limit_is_16_mib() -> None:
    assert ServeSettings().max_body_bytes == 16 * 1024 * 1024


def test_non_loopback_bind_needs_a_token(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        create_app(ServeSettings(host="0.0.0.0", data_dir=tmp_path))
    assert "token" in info.value.render()


def test_token_is_checked_on_every_request(tmp_path: Path) -> None:
    settings = ServeSettings(host="0.0.0.0", data_dir=tmp_path, token="s3cret")
    with TestClient(create_app(settings, start_dispatcher=False), base_url=BASE_URL) as c:
        for path in ("/", "/api/markets", "/static/app.js", "/docs"):
            r = c.get(path)
            assert r.status_code == 401, path
            assert r.json()["message"], path
        assert c.get("/api/markets", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert c.get("/api/markets", headers={"Authorization": "Bearer s3cret"}).status_code == 200
        first = c.get("/?token=s3cret")
        assert first.status_code == 200
        assert "HttpOnly" in first.headers["set-cookie"]
        assert c.get("/static/app.js").status_code == 200  # the cookie now carries the token


def test_screen_is_the_cli_json(api: TestClient, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["screen", "-c", "price=3", "-c", "carbon=1", "-f", "democracy_index >= 7"]
    assert main([*args, "--samples", "50", "--seed", "3", "--format", "json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    body = {
        "weights": {"price": 3, "carbon": 1},
        "filters": ["democracy_index >= 7"],
        "sensitivity": {"samples": 50, "seed": 3},
    }
    assert api.post("/api/screen", json=body).json() == cli


def test_a_body_that_is_not_a_json_object_is_422(api: TestClient) -> None:
    # a plain-text body (what a cross-site form can send) is refused, not parsed
    r = api.post(
        "/api/plans",
        content='{"example": "reference"}',
        headers={"Content-Type": "text/plain"},
    )
    assert r.status_code == 422
    assert "application/json" in r.json()["errors"][0]["message"]


def test_an_unexpected_error_is_500_json_without_a_traceback(tmp_path: Path) -> None:
    from computegeo.web.store import JobStatus, JobStore

    store = JobStore(tmp_path / "jobs.sqlite")
    store.create_if_room("broken", "plan", "h", "n", limit=5)
    store.finish("broken", JobStatus.DONE)
    out = tmp_path / "jobs" / "broken" / "out"
    out.mkdir(parents=True)
    (out / "plan.json").write_text("{not json", encoding="utf-8")  # a damaged result file
    app = create_app(ServeSettings(data_dir=tmp_path), start_dispatcher=False)
    with TestClient(app, base_url=BASE_URL, raise_server_exceptions=False) as c:
        r = c.get("/api/plans/broken")
    assert r.status_code == 500
    assert r.headers["content-type"] == "application/json"
    # read through Plan's one plan.json reader, whose DataError the server did not expect here
    assert r.json() == {"message": "internal error (DataError); see the server log"}
