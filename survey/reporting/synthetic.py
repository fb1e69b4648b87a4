"""Synthetic round results in the shape of `survey.results.service.RoundResults` with every column of METHOD.md
version 2 (COMMON.md, contract 1), for the report tests and the report benchmark (no database needed).
Deterministic for a seed. The numbers are plausible, not computed: a report test reads them back, it does not
check the method (survey/analysis is tested against independent computations)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

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
DONT_KNOW = ("dont_know", "Ved ikke")
QUADRANTS = ("Improve first", "Keep up", "Watch", "Maintain")
MINIMAL_DIFFERENCE = 3.0
# Danish compounds as long as real dimension names get (a header cell must wrap them, not lose them)
LONG_WORDS = ("Undervisningsmiljøvurderingen", "Praktikpladssamarbejdet", "Lærerkompetenceudviklingen",
              "Elevinddragelsesprocesserne", "Studievejledningsindsatsen", "Skolehjemsfællesskabet",
              "Arbejdspladsoplæringskvaliteten", "Faglighedsforventningerne")


def many_dimensions(count: int) -> list[Dimension]:
    """`count` - 1 predictor dimensions with long names (a long compound and a tail of words) and overall
    satisfaction last: the widest tables a questionnaire can ask for."""
    dimensions = [Dimension(f"dim{i:02d}", f"{LONG_WORDS[i % len(LONG_WORDS)]} og dens betydning for "
                                           f"hverdagen på skolen nr. {i + 1}") for i in range(count - 1)]
    return dimensions + [Dimension("overall", "Samlet tilfredshed med skolen og uddannelsen", is_overall=True)]


@dataclass
class SyntheticResults:
    aggregates: pd.DataFrame
    items: pd.DataFrame
    content_hash: str
    dimensions: list[Dimension]
    frozen: bool = True
    partners: pd.DataFrame | None = None


def _interval(index: float, sd: float, n: int) -> tuple[float, float]:
    half = float(stats.t.ppf(0.975, n - 1)) * sd / np.sqrt(n)
    return max(0.0, index - half), min(100.0, index + half)


def synthetic_results(schools: int = 4, items_per_dimension: int = 4, seed: int = 7,
                      dimensions: list[Dimension] | None = None) -> SyntheticResults:
    """`schools` schools S001.. with program and gender breakdowns. The program "SMALL-PROGRAM-XQ" of every
    school has n = 3 (suppressed); the gender group "Nonbinary-XYZ" n = 2 (suppressed). The first dimension
    of every school changed by +4.25 and is flagged "up", and is S001's "Improve first"; the second item of each dimension is reverse-worded
    (`reverse_items`), and the third offers "don't know"."""
    dimensions = list(dimensions or DIMENSIONS)
    rng = np.random.default_rng(seed)
    codes = [f"S{i:03d}" for i in range(1, schools + 1)]
    keys = [d.key for d in dimensions]
    predictors = [d.key for d in dimensions if not d.is_overall]
    importance_line = 100 / len(predictors)
    school_index = {c: {k: float(rng.uniform(55, 85)) for k in keys} for c in codes}
    school_index[codes[0]][predictors[0]] -= 15  # S001 is below the network where it matters most: "Improve first"
    network_index = {k: float(np.mean([school_index[c][k] for c in codes])) for k in keys}
    rows, item_rows = [], []
    for s_i, code in enumerate(codes + [NETWORK]):
        n_school = 100 * schools if code == NETWORK else int(rng.integers(40, 160))
        population = None if code == NETWORK else n_school + int(rng.integers(20, 90))
        for k_i, key in enumerate(keys):
            index = network_index[key] if code == NETWORK else school_index[code][key]
            sd = 18.0 + k_i % 3
            fpc = None if code == NETWORK else float(np.sqrt((population - n_school) / (population - 1)))
            low, high = _interval(index, sd * (fpc or 1.0), n_school)
            row = dict(school=code, breakdown="all", group="all", dimension=key, n=n_school, index=index, sd=sd,
                       ci_low=low, ci_high=high, suppressed=False, fpc=fpc,
                       response_rate=None if code == NETWORK else n_school / population,
                       alpha=0.81 + k_i / 100 if code == NETWORK else None)
            change = 4.25 if k_i == 0 else -0.5 - k_i / 10
            row.update(change=change, change_low=change - 2.5, change_high=change + 2.5,
                       q_value=0.004 if k_i == 0 else 0.62, trend_flag="up" if k_i == 0 else "",
                       previous_n=n_school - 7, previous_response_rate=0.58)
            if key in predictors:
                importance = 100 * (len(predictors) - predictors.index(key)) / sum(range(1, len(predictors) + 1))
                spread = 6.0 if code != NETWORK else 2.5
                row.update(importance=importance, importance_low=max(0.0, importance - spread),
                           importance_high=importance + spread, importance_line=importance_line,
                           importance_source="network" if code == NETWORK else "school", r_squared=0.46)
                if code != NETWORK:
                    gap = index - network_index[key]
                    half = (high - low) / 2
                    important = importance >= importance_line
                    quadrant = QUADRANTS[(0 if gap < 0 else 1) if important else (2 if gap < 0 else 3)]
                    row.update(gap=gap, gap_low=gap - half, gap_high=gap + half, quadrant=quadrant,
                               uncertain=bool(gap - half < 0 < gap + half
                                              or importance - spread < importance_line < importance + spread))
            rows.append(row)
            if code == NETWORK:
                continue
            for group, n, rate in (("Elektriker", n_school - 3, 0.71), ("SMALL-PROGRAM-XQ", 3, None)):
                suppressed = n < 5
                rows.append(dict(school=code, breakdown="program", group=group, dimension=key, n=n,
                                 index=None if suppressed else index + 1.0, sd=None if suppressed else 18.0,
                                 ci_low=None, ci_high=None, suppressed=suppressed, response_rate=rate))
            for group, n in (("Kvinde", n_school // 2), ("Mand", n_school - n_school // 2 - 2), ("Nonbinary-XYZ", 2)):
                suppressed = n < 5
                rows.append(dict(school=code, breakdown="gender", group=group, dimension=key, n=n,
                                 index=None if suppressed else index - 1.0, sd=None if suppressed else 18.0,
                                 ci_low=None, ci_high=None, suppressed=suppressed))
        for key in keys:
            for j in range(items_per_dimension):
                shares = rng.dirichlet(np.ones(5) * 2)
                scores = np.array([100, 75, 50, 25, 0]) if j == 1 else np.array([0, 25, 50, 75, 100])
                positive = shares[0] + shares[1] if j == 1 else shares[3] + shares[4]
                item_rows.append(dict(school=code, item=f"{key}_{j + 1}", n=n_school - j,
                                      mean=float(np.dot(shares, scores)),
                                      **{f"share_{i + 1}": float(s) for i, s in enumerate(shares)},
                                      share_positive=float(positive), suppressed=False,
                                      share_ns_dont_know=0.08 if j == 2 else np.nan))
    aggregates = pd.DataFrame(rows)
    # the benchmark columns as the results engine gives them (over the published schools)
    for key in keys:
        mask = (aggregates["breakdown"] == "all") & (aggregates["dimension"] == key)
        schools_mask = mask & (aggregates["school"] != NETWORK)
        values = aggregates.loc[schools_mask, "index"]
        aggregates.loc[mask, "network_mean"] = network_index[key]
        aggregates.loc[mask, "median"] = float(values.median())
        aggregates.loc[mask, "top_quartile"] = float(np.percentile(values, 75))
        rank = values.rank(ascending=False, method="min")
        aggregates.loc[schools_mask, "rank"] = rank
        aggregates.loc[schools_mask, "rank_low"] = np.maximum(1, rank - 1)
        aggregates.loc[schools_mask, "rank_high"] = np.minimum(len(values), rank + 2)
        aggregates.loc[schools_mask, "of"] = float(len(values))
    aggregates["uncertain"] = aggregates["uncertain"].astype("boolean") if "uncertain" in aggregates else pd.NA
    from survey.results.compute import SchoolFacts, partners_table

    overall = aggregates[(aggregates["breakdown"] == "all") & (aggregates["school"] != NETWORK)]
    sizes = overall.groupby("school")["n"].max()
    partners = partners_table(aggregates, sizes, SchoolFacts(types={c: ("EUD", "hhx")[i % 2] for i, c in enumerate(codes)}),
                              keys)
    return SyntheticResults(aggregates=aggregates, items=pd.DataFrame(item_rows), content_hash=f"{seed:064x}",
                            dimensions=dimensions, partners=partners)


def synthetic_inputs(results: SyntheticResults, code: str, language: str = "da",
                     items_per_dimension: int = 4) -> SchoolReportInputs:
    info = RoundInfo(round_id=1, name="Elevtrivsel 2025", version_label="student:2025.1", k_min=5,
                     results_hash=results.content_hash, minimal_difference=MINIMAL_DIFFERENCE)
    items = {f"{d.key}_{j + 1}": (d.key, f"{d.label}: spørgsmål {j + 1} om æøå")
             for d in results.dimensions for j in range(items_per_dimension)}
    return SchoolReportInputs(
        round=info, school_code=code, school_name=f"Skolen {code} – Ærø Tekniske Skole", language=language,
        dimensions=list(results.dimensions), items=items, aggregates=school_slice(results.aggregates, code),
        item_results=results.items[results.items["school"].isin([code, NETWORK])].reset_index(drop=True),
        scale_labels=list(SCALE), group_labels={"program": "Uddannelse", "gender": "Køn"},
        partners=(results.partners[results.partners["school"] == code].reset_index(drop=True)
                  if results.partners is not None else None),
        comments=[("Hvad er godt ved skolen?", ["Gode lærere og et godt værksted — især på Ærø."])],
        reverse_items=tuple(key for key in items if key.endswith("_2")),
        non_substantive={key: [DONT_KNOW] for key in items if key.endswith("_3")},
    )
