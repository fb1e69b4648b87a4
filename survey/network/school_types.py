"""The school types a network's schools may have: its country's catalogue plus the network's own list.

"Same school type" is what benchmark partners are matched on first (METHOD.md, Structural analysis), so a type is
a code the whole network shares: the catalogue gives the usual ones per country (Danish, Swedish), and a network
adds its own (or, for country "other", has only its own). Codes are compared without regard to case and stored
as the catalogue (or the network) spells them.
"""
from __future__ import annotations

from survey.network.models import Network

CATALOGUE: dict[str, tuple[tuple[str, str], ...]] = {
    "DK": (
        ("EUD", "Erhvervsuddannelse"),
        ("EUX", "Erhvervsuddannelse med gymnasial eksamen"),
        ("hhx", "Højere handelseksamen"),
        ("htx", "Højere teknisk eksamen"),
        ("stx", "Studentereksamen"),
        ("hf", "Højere forberedelseseksamen"),
        ("AMU", "Arbejdsmarkedsuddannelse"),
        ("VUC", "Voksenuddannelsescenter"),
        ("FGU", "Forberedende grunduddannelse"),
        ("10kl", "10. klasse"),
        ("grundskole", "Grundskole"),
        ("efterskole", "Efterskole"),
        ("hojskole", "Folkehøjskole"),
    ),
    "SE": (
        ("forskoleklass", "Förskoleklass"),
        ("grundskola", "Grundskola"),
        ("anpassad-grundskola", "Anpassad grundskola (särskola)"),
        ("gymnasieskola", "Gymnasieskola"),
        ("anpassad-gymnasieskola", "Anpassad gymnasieskola (gymnasiesärskola)"),
        ("komvux", "Kommunal vuxenutbildning"),
        ("sfi", "Svenska för invandrare"),
        ("folkhogskola", "Folkhögskola"),
        ("yh", "Yrkeshögskola"),
    ),
    "other": (),
}


def school_types(network: Network) -> list[tuple[str, str]]:
    """(code, name) of every type the network's schools may have: the catalogue's, then the network's own."""
    catalogue = list(CATALOGUE.get(network.country, ()))
    known = {code.lower() for code, _ in catalogue}
    return catalogue + [(t.code, t.name) for t in network.own_school_types if t.code.lower() not in known]


def type_lookup(network: Network) -> dict[str, str]:
    """Lower-cased code -> the code as stored."""
    return {code.lower(): code for code, _ in school_types(network)}
