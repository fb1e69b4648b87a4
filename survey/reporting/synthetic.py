"""Synthetic round results in the shape of `survey.results.service.RoundResults`, for the report tests and
the report benchmark (no database needed). Deterministic for a seed."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from survey.reporting.inputs import NETWORK, Dimension, RoundInfo, SchoolReportInputs, school_slice

DIMENSIONS = [
    Dimension("motivation", "Motivation og egen indsats"),
    Dimension("environment", "Læringsmiljø"),
    Dimension("wellbeing", "Trivsel"),
    Dimension("surroundings", "Fysiske rammer"),
    Dimension("teaching", "Undervisning"),
    Dimension("overall", "Samlet tilfredshed", is_overall=True),
]
SCALE = ["Helt uenig", "Uenig", "Hverken/eller", "Enig", "Helt enig"]
QUADRANTS = ("Improve first", "Keep up", "Watch", "Maintain")


@dataclass
class SyntheticResults:
    aggregates: pd.DataFrame
    items: pd.DataFrame
    content_hash: str
    frozen: bool = True
    partners: pd.DataFrame | None = None


def synthetic_results(schools: int = 4, items_per_dimension: int = 4, seed: int = 7,
                      small_group_school: str | None = None) -> SyntheticResults:
    """`schools` schools S001.. with program and gender breakdowns. The program "SMALL" of every school has
    n = 3 (suppressed); the gender group "Nonbinary-XYZ" too."""
    rng = np.random.default_rng(seed)
    codes = [f"S{i:03d}" for i in range(1, schools + 1)]
    rows, item_rows = [], []
    keys = [d.key for d in DIMENSIONS]
    school_index = {c: {k: float(rng.uniform(55, 85)) for k in keys} for c in codes}
    for code in codes + [NETWORK]:
        n_school = 400 if code == NETWORK else int(rng.integers(40, 160))
        for k_i, key in enumerate(keys):
            index = float(np.mean([school_index[c][key] for c in codes])) if code == NETWORK else school_index[code][key]
            half = 1.96 * 18 / np.sqrt(n_school)
            quadrant = QUADRANTS[(k_i + len(code)) % 4] if key != "overall" else None
            rows.append(dict(school=code, breakdown="all", group="all", dimension=key, n=n_school, index=index,
                             sd=18.0, ci_low=index - half, ci_high=index + half, suppressed=False,
                             importance=None if key == "overall" else 20.0 + k_i, quadrant=quadrant,
                             change=(3.25 if k_i == 0 else -0.5) if code != NETWORK else None,
                             trend_flag=("up" if k_i == 0 else "") if code != NETWORK else "",
                             response_rate=0.62 if code != NETWORK else None, alpha=0.81 + k_i / 100))
            if code == NETWORK:
                continue
            for group, n in (("Elektriker", n_school - 3), ("SMALL-PROGRAM-XQ", 3)):
                suppressed = n < 5
                rows.append(dict(school=code, breakdown="program", group=group, dimension=key, n=n,
                                 index=None if suppressed else index + 1.0, sd=None if suppressed else 18.0,
                                 ci_low=None, ci_high=None, suppressed=suppressed))
            for group, n in (("Kvinde", n_school // 2), ("Mand", n_school - n_school // 2 - 2), ("Nonbinary-XYZ", 2)):
                suppressed = n < 5
                rows.append(dict(school=code, breakdown="gender", group=group, dimension=key, n=n,
                                 index=None if suppressed else index - 1.0, sd=None if suppressed else 18.0,
                                 ci_low=None, ci_high=None, suppressed=suppressed))
        for key in keys:
            for j in range(items_per_dimension):
                shares = rng.dirichlet(np.ones(5) * 2)
                item_rows.append(dict(school=code, item=f"{key}_{j + 1}", n=n_school - j,
                                      mean=float(np.dot(shares, [0, 25, 50, 75, 100])),
                                      **{f"share_{i + 1}": float(s) for i, s in enumerate(shares)},
                                      share_positive=float(shares[3] + shares[4]), suppressed=False))
    aggregates = pd.DataFrame(rows)
    # the benchmark columns as the results engine gives them (over the published schools)
    for key in keys:
        mask = (aggregates["breakdown"] == "all") & (aggregates["dimension"] == key)
        schools_mask = mask & (aggregates["school"] != NETWORK)
        values = aggregates.loc[schools_mask, "index"]
        aggregates.loc[mask, "network_mean"] = float(aggregates.loc[mask & (aggregates["school"] == NETWORK), "index"].iloc[0])
        aggregates.loc[mask, "median"] = float(values.median())
        aggregates.loc[mask, "top_quartile"] = float(np.percentile(values, 75))
        aggregates.loc[schools_mask, "rank"] = values.rank(ascending=False, method="min")
        aggregates.loc[schools_mask, "of"] = float(len(values))
    from survey.results.compute import SchoolFacts, partners_table

    overall = aggregates[(aggregates["breakdown"] == "all") & (aggregates["school"] != NETWORK)]
    sizes = overall.groupby("school")["n"].max()
    partners = partners_table(aggregates, sizes, SchoolFacts(types={c: ("EUD", "hhx")[i % 2] for i, c in enumerate(codes)}),
                              keys)
    return SyntheticResults(aggregates=aggregates, items=pd.DataFrame(item_rows),
                            content_hash=f"{seed:064x}", partners=partners)


def synthetic_inputs(results: SyntheticResults, code: str, language: str = "da",
                     items_per_dimension: int = 4) -> SchoolReportInputs:
    info = RoundInfo(round_id=1, name="Elevtrivsel 2025", version_label="student:2025.1", k_min=5,
                     results_hash=results.content_hash)
    items = {f"{d.key}_{j + 1}": (d.key, f"{d.label}: spørgsmål {j + 1} om æøå")
             for d in DIMENSIONS for j in range(items_per_dimension)}
    return SchoolReportInputs(
        round=info, school_code=code, school_name=f"Skolen {code} – Ærø Tekniske Skole", language=language,
        dimensions=list(DIMENSIONS), items=items, aggregates=school_slice(results.aggregates, code),
        item_results=results.items[results.items["school"].isin([code, NETWORK])].reset_index(drop=True),
        scale_labels=list(SCALE), group_labels={"program": "Uddannelse", "gender": "Køn"},
        partners=(results.partners[results.partners["school"] == code].reset_index(drop=True)
                  if results.partners is not None else None),
        comments=[("Hvad er godt ved skolen?", ["Gode lærere og et godt værksted — især på Ærø."])],
    )
