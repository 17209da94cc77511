"""Fit and validate the computegeo latency model on measured round-trip times.

Reads (repo-relative, not needed at run time):
  ../shared/data/raw/wonderproxy_pings/      WonderNetwork pings 2020-07-19/20 (per-pair day mean)
  ../shared/data/raw/azure_network_latency/  Azure inter-region P95 RTT, 30 days to 2026-07-30
  ../shared/data/raw/cloud_regions_info/azure_regions.json  Azure region coordinates
  ../shared/data/raw/ripe_atlas_country_rtt/ RIPE Atlas country-pair RTT 2025 (coarse check only)
  ../shared/data/raw/country_screening_paulagili/  capital coordinates for the RIPE check
  ../shared/data/raw/telegeography_submarine_cables/  checks every subsea link (nothing shipped)

Writes:
  src/computegeo/latency/data/params.json          fitted on all measured pairs
  src/computegeo/latency/data/validation.json      held-out-city errors, model vs baseline
  src/computegeo/latency/data/measured_sample.csv  Azure pairs (CC BY 4.0) used by the tests
  docs/latency_validation.png                      error distributions (if matplotlib is present)

Usage:  python scripts/fit_latency.py [--shared ../shared] [--folds 5] [--max-evals 400]
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.sparse import coo_matrix

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from computegeo.core.fileio import atomic_write_bytes, atomic_write_text  # noqa: E402
from computegeo.latency.geodesy import fibre_floor_rtt_ms, great_circle_km  # noqa: E402
from computegeo.latency.model import (  # noqa: E402
    build_model,
    nearest_hubs,
    predict_matrix_ms,
    predict_pairs_ms,
)
from computegeo.latency.network import Backbone, load_backbone  # noqa: E402
from computegeo.latency.params import LatencyParams  # noqa: E402

DATA_OUT = REPO / "src" / "computegeo" / "latency" / "data"
SAME_CITY_KM = 60.0
"""Measurement sites closer than this are one city for hold-out purposes [km]."""
MISLOCATED_SHARE = 0.02
"""A WonderProxy server is dropped when more than this share of its pings beat light in fibre."""
AZURE_WEIGHT = 15.0
"""Weight of one Azure pair relative to one WonderProxy pair: with ~1.4k Azure and ~30k WP pairs
the two datasets weigh about equally in the loss (chosen by held-out validation: 6.0 %/17.2 %
on Azure vs 6.3 %/17.8 % at weight 5, WP unchanged within 0.5 points)."""
OFFSET_RIDGE = 750.0
"""Ridge penalty on the per-hub log offsets, in units of IRLS pair weight (pair weight over
absolute log residual, the residual floored at 0.02); chosen by held-out-city validation."""
N_ACCESS_HUBS = 5
"""Nearest hubs a point may enter the backbone through (chosen by held-out validation)."""
OFFSET_SMOOTHING_KM = 1000.0
"""Blend of the access hubs' offsets per point (0 = nearest hub only). Held-out validation,
Azure / WonderProxy median-p90 %: 0 km 6.0-17.2 / 9.6-36.3; 300 km 5.9-16.7 / 9.4-36.2;
600 km 5.8-16.8 / 9.4-36.2; 1000 km 5.7-16.5 / 9.4-36.2; 2500 km 5.8-16.3 / 9.5-36.5."""
FIT_METHOD = "Nelder-Mead"
"""scipy.optimize.minimize method for the five global parameters."""
CABLE_LANDING_RADIUS_KM = 800.0
"""A subsea link is backed by a cable that lands within this distance of both of its hubs."""

# Region locations missing from cloud_regions_info (Feb 2025) or given there as a country
# centroid; city-centre coordinates of the metro Microsoft names for the region (GeoNames).
AZURE_LOCATION_FIXES = {
    "Austria East": (48.21, 16.37),  # Vienna
    "Belgium Central": (50.85, 4.35),  # Brussels
    "Denmark East": (55.68, 12.57),  # Copenhagen
    "New Zealand North": (-36.85, 174.76),  # Auckland
    "Spain Central": (40.42, -3.70),  # Madrid
    "West Central US": (41.14, -104.82),  # Cheyenne, Wyoming
    "France Central": (48.86, 2.35),  # Paris (source gives France's centroid)
    "France South": (43.30, 5.37),  # Marseille (source gives a point in the Massif Central)
    "Jio India West": (22.47, 70.06),  # Jamnagar (source gives Mumbai)
}


@dataclass(frozen=True)
class Sites:
    """Measurement sites of one dataset."""

    name: tuple[str, ...]
    lat: np.ndarray
    lon: np.ndarray


@dataclass(frozen=True)
class Pairs:
    """Symmetrised measured pairs (site indices i < j) with the measured RTT [ms]."""

    dataset: str
    sites: Sites
    i: np.ndarray
    j: np.ndarray
    rtt_ms: np.ndarray
    weight: float

    def subset(self, mask: np.ndarray) -> Pairs:
        return replace(self, i=self.i[mask], j=self.j[mask], rtt_ms=self.rtt_ms[mask])


def load_wonderproxy(raw: Path) -> tuple[Pairs, dict[str, object]]:
    servers = pd.read_csv(raw / "wonderproxy_pings" / "servers-2020-07-19.csv").iloc[:, :10]
    servers = servers.set_index("id")
    pings = pd.read_csv(raw / "wonderproxy_pings" / "pings-2020-07-19-2020-07-20-grouped.csv")
    pings = pings[
        pings.source.isin(servers.index)
        & pings.destination.isin(servers.index)
        & (pings.source != pings.destination)
    ].copy()
    a = servers.loc[pings.source]
    b = servers.loc[pings.destination]
    dist = great_circle_km(
        a.latitude.values, a.longitude.values, b.latitude.values, b.longitude.values
    )
    below = pings["min"].to_numpy() < fibre_floor_rtt_ms(dist)
    share = pd.concat(
        [
            pd.Series(below).groupby(pings.source.values).mean(),
            pd.Series(below).groupby(pings.destination.values).mean(),
        ],
        axis=1,
    ).mean(axis=1)
    mislocated = sorted(int(x) for x in share[share > MISLOCATED_SHARE].index)
    keep = (
        ~below
        & ~pings.source.isin(mislocated).to_numpy()
        & ~pings.destination.isin(mislocated).to_numpy()
    )
    pings = pings[keep]
    lo = np.minimum(pings.source, pings.destination)
    hi = np.maximum(pings.source, pings.destination)
    # The per-pair day mean ("avg") is used as the typical RTT: its median gap to the day
    # minimum is 0.3 %, so the mean sits close to the median for almost every pair.
    sym = pings.assign(lo=lo, hi=hi).groupby(["lo", "hi"])["avg"].mean().reset_index()
    ids = sorted(set(sym.lo) | set(sym.hi))
    pos = {s: k for k, s in enumerate(ids)}
    sites = Sites(
        name=tuple(f"{servers.loc[s, 'title']}, {servers.loc[s, 'country']}" for s in ids),
        lat=servers.loc[ids, "latitude"].to_numpy(float),
        lon=servers.loc[ids, "longitude"].to_numpy(float),
    )
    info = {
        "servers_dropped_as_mislocated": [str(servers.loc[s, "title"]) for s in mislocated],
        "directed_pings_below_fibre_floor_dropped": int(below.sum()),
        "pairs": len(sym),
        "sites": len(ids),
    }
    pairs = Pairs(
        "wonderproxy",
        sites,
        sym.lo.map(pos).to_numpy(),
        sym.hi.map(pos).to_numpy(),
        sym["avg"].to_numpy(float),
        1.0,
    )
    return pairs, info


def load_azure(raw: Path) -> Pairs:
    regions = json.loads((raw / "cloud_regions_info" / "azure_regions.json").read_text())
    loc = {v["location"]: (v["latitude"], v["longitude"]) for v in regions.values()}
    loc.update(AZURE_LOCATION_FIXES)
    mat = pd.read_csv(
        raw / "azure_network_latency" / "azure_inter_region_rtt_p95_ms_2026-07-30.csv", index_col=0
    )
    names = list(mat.index)
    ii, jj, rtt = [], [], []
    for i, x in enumerate(names):
        for j in range(i + 1, len(names)):
            y = names[j]
            vals = [v for v in (mat.loc[x, y], mat.loc[y, x]) if pd.notna(v)]
            if vals:
                ii.append(i)
                jj.append(j)
                rtt.append(float(np.mean(vals)))
    sites = Sites(
        tuple(names), np.array([loc[n][0] for n in names]), np.array([loc[n][1] for n in names])
    )
    return Pairs("azure_p95", sites, np.array(ii), np.array(jj), np.array(rtt), AZURE_WEIGHT)


def city_groups(datasets: list[Pairs]) -> list[np.ndarray]:
    """Group ids per site, so that sites of any dataset within SAME_CITY_KM share one city."""
    centres: list[tuple[float, float]] = []
    out = []
    for ds in datasets:
        gid = np.empty(len(ds.sites.name), dtype=int)
        for k, (la, lo) in enumerate(zip(ds.sites.lat, ds.sites.lon, strict=True)):
            if centres:
                c = np.array(centres)
                d = great_circle_km(la, lo, c[:, 0], c[:, 1])
                if d.min() <= SAME_CITY_KM:
                    gid[k] = int(d.argmin())
                    continue
            centres.append((la, lo))
            gid[k] = len(centres) - 1
        out.append(gid)
    return out


# ----------------------------------------------------------------------------- fitting


def _theta_to_params(theta: np.ndarray, offsets: dict[str, float]) -> LatencyParams:
    land, sea, hop, acc, const = (round(float(abs(x)), 4) for x in theta)
    return LatencyParams(
        land_route_factor=round(1.0 + land, 4),
        subsea_route_factor=round(1.0 + sea, 4),
        hop_ms=hop,
        access_route_factor=round(1.0 + acc, 4),
        constant_ms=const,
        n_access_hubs=N_ACCESS_HUBS,
        offset_smoothing_km=OFFSET_SMOOTHING_KM,
        hub_log_offset=offsets,
    )


def _predict(params: LatencyParams, backbone: Backbone, ds: Pairs) -> np.ndarray:
    model = build_model(params, backbone)
    m = predict_matrix_ms(model, ds.sites.lat, ds.sites.lon, ds.sites.lat, ds.sites.lon)
    return m[ds.i, ds.j]


def _loss(params: LatencyParams, backbone: Backbone, data: list[Pairs]) -> float:
    tot, wsum = 0.0, 0.0
    for ds in data:
        err = np.abs(np.log(_predict(params, backbone, ds) / ds.rtt_ms))
        tot += ds.weight * err.sum()
        wsum += ds.weight * err.size
    return tot / wsum


def _fit_offsets(params: LatencyParams, backbone: Backbone, data: list[Pairs]) -> dict[str, float]:
    """Ridge least squares of log(measured - c) - log(path) = u[h(a)] + u[h(b)]."""
    base = replace(params, hub_log_offset={})
    n = backbone.n_hubs
    rows, cols, vals, rhs, wts = [], [], [], [], []
    r = 0
    for ds in data:
        model = build_model(base, backbone)
        acc = nearest_hubs(model, ds.sites.lat, ds.sites.lon)
        pred = _predict(base, backbone, ds)
        path = np.maximum(pred - base.constant_ms, 1e-3)
        target = np.log(np.maximum(ds.rtt_ms - base.constant_ms, 1e-3) / path)
        for k in range(len(target)):
            for site in (ds.i[k], ds.j[k]):
                rows += [r] * acc.hub_index.shape[1]
                cols += list(acc.hub_index[site])
                vals += list(acc.offset_weight[site])
            rhs.append(target[k])
            wts.append(ds.weight)
            r += 1
    a = coo_matrix((vals, (rows, cols)), shape=(r, n)).tocsr()
    w = np.array(wts)
    y = np.array(rhs)
    # Two IRLS steps towards a least-absolute-deviation fit (robust to bad hosts).
    u = np.zeros(n)
    for _ in range(3):
        res = np.abs(y - a @ u)
        wi = w / np.maximum(res, 0.02)
        ata = (a.T @ a.multiply(wi[:, None])).toarray() + OFFSET_RIDGE * np.eye(n)
        u = np.linalg.solve(ata, a.T @ (wi * y))
    return {
        h: round(float(v), 5) for h, v in zip(backbone.hub_ids, u, strict=True) if abs(v) > 1e-6
    }


def fit(
    data: list[Pairs], backbone: Backbone, max_evals: int, offsets: bool = True
) -> LatencyParams:
    theta0 = np.array([0.3, 0.3, 1.0, 1.0, 2.0])
    offs: dict[str, float] = {}
    for _round in range(2 if offsets else 1):
        fixed_offsets = dict(offs)
        res = minimize(
            lambda t, o=fixed_offsets: _loss(_theta_to_params(t, o), backbone, data),
            theta0,
            method=FIT_METHOD,
            options={"maxfev": max_evals},
        )
        theta0 = res.x
        params = _theta_to_params(theta0, offs)
        if offsets:
            offs = _fit_offsets(params, backbone, data)
    return _theta_to_params(theta0, offs)


def fit_baseline(data: list[Pairs]) -> float:
    """Constant route factor k in RTT = k * 2d/200: weighted median of measured/floor."""
    ratios, weights = [], []
    for ds in data:
        d = great_circle_km(
            ds.sites.lat[ds.i], ds.sites.lon[ds.i], ds.sites.lat[ds.j], ds.sites.lon[ds.j]
        )
        ratios.append(ds.rtt_ms / fibre_floor_rtt_ms(d))
        weights.append(np.full(len(d), ds.weight))
    r = np.concatenate(ratios)
    w = np.concatenate(weights)
    order = np.argsort(r)
    cw = np.cumsum(w[order])
    return float(r[order][np.searchsorted(cw, cw[-1] / 2)])


def predict_baseline(k: float, ds: Pairs) -> np.ndarray:
    d = great_circle_km(
        ds.sites.lat[ds.i], ds.sites.lon[ds.i], ds.sites.lat[ds.j], ds.sites.lon[ds.j]
    )
    return k * fibre_floor_rtt_ms(d)


def summary(ape: np.ndarray) -> dict[str, float]:
    return {
        "pairs": int(ape.size),
        "median_ape_pct": round(float(np.median(ape)) * 100, 1),
        "p90_ape_pct": round(float(np.quantile(ape, 0.9)) * 100, 1),
    }


DISTANCE_BANDS_KM = (0.0, 300.0, 1000.0, 3000.0, 6000.0, 10000.0, 20100.0)
"""Great-circle distance bands for the error breakdown [km]."""


def cross_validate(
    data: list[Pairs],
    backbone: Backbone,
    folds: int,
    max_evals: int,
    seed: int,
    offsets: bool = True,
) -> tuple[dict[str, object], pd.DataFrame]:
    """Held-out-city errors of the model and of the baseline; also the per-pair predictions."""
    groups = city_groups(data)
    n_cities = int(max(g.max() for g in groups)) + 1
    fold_of_city = np.random.default_rng(seed).permutation(n_cities) % folds
    frames = []
    for f in range(folds):
        train, test = [], []
        for ds, g in zip(data, groups, strict=True):
            fa = fold_of_city[g[ds.i]] == f
            fb = fold_of_city[g[ds.j]] == f
            train.append(ds.subset(~fa & ~fb))
            test.append(ds.subset(fa | fb))
        params = fit(train, backbone, max_evals, offsets)
        k = fit_baseline(train)
        for ds in test:
            d = great_circle_km(
                ds.sites.lat[ds.i], ds.sites.lon[ds.i], ds.sites.lat[ds.j], ds.sites.lon[ds.j]
            )
            frames.append(
                pd.DataFrame(
                    {
                        "dataset": ds.dataset,
                        "fold": f,
                        "a": np.array(ds.sites.name)[ds.i],
                        "b": np.array(ds.sites.name)[ds.j],
                        "distance_km": d,
                        "measured_ms": ds.rtt_ms,
                        "model_ms": _predict(params, backbone, ds),
                        "baseline_ms": predict_baseline(k, ds),
                    }
                )
            )
        print(f"  fold {f + 1}/{folds} done", file=sys.stderr)
    df = pd.concat(frames, ignore_index=True)
    df["model_ape"] = np.abs(df.model_ms / df.measured_ms - 1)
    df["baseline_ape"] = np.abs(df.baseline_ms / df.measured_ms - 1)
    out: dict[str, object] = {}
    for name, part in df.groupby("dataset", sort=False):
        bands = {}
        cut = pd.cut(part.distance_km, DISTANCE_BANDS_KM)
        for band, sub in part.groupby(cut, observed=True):
            bands[f"{band.left:g}-{band.right:g}"] = {
                "model": summary(sub.model_ape.to_numpy()),
                "baseline_constant_route_factor": summary(sub.baseline_ape.to_numpy()),
                "model_median_abs_error_ms": round(
                    float(np.median(np.abs(sub.model_ms - sub.measured_ms))), 1
                ),
            }
        out[str(name)] = {
            "model": summary(part.model_ape.to_numpy()),
            "baseline_constant_route_factor": summary(part.baseline_ape.to_numpy()),
            "model_median_abs_error_ms": round(
                float(np.median(np.abs(part.model_ms - part.measured_ms))), 1
            ),
            "by_distance_km": bands,
        }
    return out, df


def check_subsea_links(raw: Path, backbone: Backbone) -> dict[str, object]:
    """For each subsea link, the cables (TeleGeography map) landing near both of its hubs.

    Only counts and cable names go into validation.json (facts about cable existence); no
    TeleGeography geometry or landing-point table is shipped.
    """
    tg = raw / "telegeography_submarine_cables"
    geo = json.loads((tg / "landing-point-geo.json").read_text())
    lp = {f["properties"]["id"]: f["geometry"]["coordinates"] for f in geo["features"]}
    cables = json.loads((tg / "cables.json").read_text())
    out: dict[str, object] = {}
    unsupported = []
    for a, b, sea in zip(backbone.link_a, backbone.link_b, backbone.link_subsea, strict=True):
        if not sea:
            continue
        names = []
        for c in cables:
            if c.get("is_planned"):
                continue
            pts = np.array([lp[p["id"]] for p in c["landing_points"] if p["id"] in lp])
            if pts.size == 0:
                continue
            da = great_circle_km(
                backbone.hub_lat_deg[a], backbone.hub_lon_deg[a], pts[:, 1], pts[:, 0]
            )
            db = great_circle_km(
                backbone.hub_lat_deg[b], backbone.hub_lon_deg[b], pts[:, 1], pts[:, 0]
            )
            if da.min() <= CABLE_LANDING_RADIUS_KM and db.min() <= CABLE_LANDING_RADIUS_KM:
                names.append(c["name"])
        key = f"{backbone.hub_ids[a]}-{backbone.hub_ids[b]}"
        out[key] = {"cables": len(names), "examples": sorted(names)[:3]}
        if not names:
            unsupported.append(key)
    return {
        "landing_radius_km": CABLE_LANDING_RADIUS_KM,
        "links": out,
        "links_without_cable": unsupported,
    }


RIPE_MIN_PROBE_PAIRS = 10
"""Country pairs with fewer RIPE Atlas measurements than this are left out of the check."""
RIPE_MIN_DISTANCE_KM = 1000.0
"""Capitals closer than this say little about a country pair's RTT (country sizes dominate)."""


def check_ripe_envelope(raw: Path, params: LatencyParams, backbone: Backbone) -> dict[str, object]:
    """Coarse check on RIPE Atlas country pairs (not used for fitting).

    RIPE reports per country pair the minimum and the mean over all probe pings, including home
    connections and outliers; a typical data-center RTT between the capitals should fall between
    the two. Reports the share of pairs inside [min, mean], below min and above mean.
    """
    ripe = pd.read_csv(
        raw / "ripe_atlas_country_rtt" / "country_rtt_stat.csv", keep_default_na=False
    )
    caps = pd.read_csv(
        raw / "country_screening_paulagili" / "country_climate_risk_price_screening.csv",
        keep_default_na=False,
    )
    caps = caps[caps.iso2 != ""].set_index("iso2")
    ripe = ripe[
        (ripe.rtt_cnt >= RIPE_MIN_PROBE_PAIRS)
        & ripe.cty1.isin(caps.index)
        & ripe.cty2.isin(caps.index)
    ]
    a = caps.loc[ripe.cty1]
    b = caps.loc[ripe.cty2]
    lat1, lon1 = pd.to_numeric(a.lat).to_numpy(), pd.to_numeric(a.lon).to_numpy()
    lat2, lon2 = pd.to_numeric(b.lat).to_numpy(), pd.to_numeric(b.lon).to_numpy()
    d = great_circle_km(lat1, lon1, lat2, lon2)
    keep = d >= RIPE_MIN_DISTANCE_KM
    model = build_model(params, backbone)
    pred = predict_pairs_ms(model, lat1[keep], lon1[keep], lat2[keep], lon2[keep])
    lo = ripe.rtt_min.to_numpy()[keep]
    hi = ripe.rtt_avg.to_numpy()[keep]
    return {
        "country_pairs": int(keep.sum()),
        "coordinates": "capital of each country (../shared country_screening_paulagili)",
        "share_between_min_and_mean": round(float(np.mean((pred >= lo) & (pred <= hi))), 3),
        "share_below_min": round(float(np.mean(pred < lo)), 3),
        "share_above_mean": round(float(np.mean(pred > hi)), 3),
    }


def measured_sample(az: Pairs, params: LatencyParams, backbone: Backbone, n: int, seed: int) -> str:
    """CSV of n Azure pairs (CC BY 4.0): coordinates, measured P95 and the fitted estimate."""
    rng = np.random.default_rng(seed)
    pick = np.sort(rng.choice(len(az.i), size=min(n, len(az.i)), replace=False))
    pred = _predict(params, backbone, az)
    lines = [
        "from_region,to_region,from_lat,from_lon,to_lat,to_lon,measured_p95_rtt_ms,fitted_rtt_ms"
    ]
    for k in pick:
        a, b = az.i[k], az.j[k]
        lines.append(
            f"{az.sites.name[a]},{az.sites.name[b]},{az.sites.lat[a]:.4f},{az.sites.lon[a]:.4f},"
            f"{az.sites.lat[b]:.4f},{az.sites.lon[b]:.4f},{az.rtt_ms[k]:.1f},{pred[k]:.1f}"
        )
    return "\n".join(lines) + "\n"


def in_sample(data: list[Pairs], params: LatencyParams, backbone: Backbone) -> dict[str, object]:
    return {
        ds.dataset: summary(np.abs(_predict(params, backbone, ds) / ds.rtt_ms - 1)) for ds in data
    }


def write_figure(df: pd.DataFrame, path: Path) -> None:
    """Error distributions (held-out pairs) of the model and the baseline, per dataset."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not installed: no figure written", file=sys.stderr)
        return
    names = list(dict.fromkeys(df.dataset))
    fig, axes = plt.subplots(1, len(names), figsize=(5.5 * len(names), 4), squeeze=False)
    for ax, name in zip(axes[0], names, strict=True):
        part = df[df.dataset == name]
        for col, label in (("model_ape", "model"), ("baseline_ape", "distance-only baseline")):
            x = np.sort(part[col].to_numpy() * 100)
            ax.plot(x, np.arange(1, x.size + 1) / x.size, label=label)
        ax.axhline(0.5, color="grey", lw=0.5)
        ax.axhline(0.9, color="grey", lw=0.5)
        ax.set_xlim(0, 80)
        ax.set_xlabel("absolute percentage error on held-out-city pairs [%]")
        ax.set_ylabel("share of pairs")
        ax.set_title(f"{name} ({len(part):,} pair evaluations)")
        ax.legend(loc="lower right")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90)
    plt.close(fig)
    atomic_write_bytes(path, buf.getvalue())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--max-evals", type=int, default=600)
    ap.add_argument("--seed", type=int, default=20261124)
    ap.add_argument("--skip-cv", action="store_true", help="fit only; keep the old validation.json")
    ap.add_argument("--pairs-out", type=Path, help="also write held-out per-pair predictions here")
    args = ap.parse_args(argv)
    raw = args.shared / "data" / "raw"
    backbone = load_backbone()
    wp, wp_info = load_wonderproxy(raw)
    az = load_azure(raw)
    data = [wp, az]
    print(f"wonderproxy: {wp_info}", file=sys.stderr)
    params = fit(data, backbone, args.max_evals)
    provenance = {
        "script": "scripts/fit_latency.py",
        "fitted_on": (
            "WonderNetwork/WonderProxy pings 2020-07-19/20 (day mean per pair, symmetrised); "
            "Microsoft Azure inter-region P95 RTT, 30 days to 2026-07-30 (CC BY 4.0)"
        ),
        "loss": f"weighted mean |log(predicted / measured)|; Azure pair weight {AZURE_WEIGHT:g}",
        "hub_coordinates": "city centres, GeoNames (CC BY 4.0), rounded to 0.01 deg",
    }
    atomic_write_text(DATA_OUT / "params.json", params.to_json(provenance))
    atomic_write_text(
        DATA_OUT / "measured_sample.csv", measured_sample(az, params, backbone, 80, args.seed)
    )
    print(params, file=sys.stderr)
    if args.skip_cv:
        return 0
    held_out, per_pair = cross_validate(data, backbone, args.folds, args.max_evals, args.seed)
    if args.pairs_out is not None:
        per_pair.to_csv(args.pairs_out, index=False)
    write_figure(per_pair, REPO / "docs" / "latency_validation.png")
    validation: dict[str, object] = {
        "method": (
            f"{args.folds}-fold cross-validation holding out whole cities: measurement sites "
            "within "
            f"{SAME_CITY_KM:g} km of each other (in either dataset) form one city; each fold fits "
            "on pairs with no held-out city and is scored on pairs with at least one; a pair whose "
            "two cities fall in different folds is scored in both folds"
        ),
        "error": "absolute percentage error |predicted - measured| / measured",
        "baseline": "RTT = k * 2 * great_circle_km / 200, k fitted on the same training folds",
        "seed": args.seed,
        "wonderproxy_cleaning": wp_info,
        "held_out_cities": held_out,
        "in_sample_final_fit": in_sample(data, params, backbone),
        "subsea_links_vs_cable_map": check_subsea_links(raw, backbone),
        "ripe_atlas_country_pairs_envelope": check_ripe_envelope(raw, params, backbone),
    }
    atomic_write_text(DATA_OUT / "validation.json", json.dumps(validation, indent=2) + "\n")
    print(json.dumps(validation["held_out_cities"], indent=1), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
