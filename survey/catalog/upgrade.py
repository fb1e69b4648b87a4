"""Format 1 -> format 2: definitions written before question types, routing and named scales.

Format 1 had one `scale`, its items inside `dimensions`, then `background` and `free_text` sections. The
upgrade keeps every key, text and lineage and lays the questions out as format 1 showed them: one page per
dimension, a page of background questions, a page of free text. The answers' storage order is the same in both
(rating items in dimension order, then background questions), so responses stored under a format-1 version read
the same under its upgrade. Used by `benchlearn questionnaire upgrade FILE` and by migration 0016, which upgrades
the versions already published.
"""
from __future__ import annotations

import json
from typing import Any

SCALE = "scale"
DONT_KNOW = "dont_know"
AUDIENCES = ("student", "staff", "company")


def upgrade_definition(old: dict[str, Any]) -> dict[str, Any]:
    """The format-2 document for a format-1 document (both as plain data, as read from YAML or JSON)."""
    scale = old["scale"]
    points = scale["points"]
    new_scale: dict[str, Any] = {"points": points, "labels": scale["labels"]}
    if scale.get("dont_know"):
        new_scale["non_substantive"] = [
            {"key": DONT_KNOW, "code": 9 if points < 9 else 99, "label": scale["dont_know"]}
        ]
    pages = []
    for dimension in old["dimensions"]:
        pages.append({
            "key": dimension["key"],
            "title": dimension["title"],
            "questions": [_rating(item) for item in dimension["items"]],
        })
    background = old.get("background") or []
    if background:
        pages.append({"key": "background", "questions": [_single(question) for question in background]})
    free_text = old.get("free_text") or []
    if free_text:
        pages.append({"key": "comments", "questions": [_text(question) for question in free_text]})
    new: dict[str, Any] = {"format": 2, "family": old["family"]}
    new["audience"] = old["family"] if old["family"] in AUDIENCES else "other"
    new["version"] = old["version"]
    if old.get("previous") is not None:
        new["previous"] = old["previous"]
    new["default_language"] = "da" if "da" in old["languages"] else old["languages"][0]
    new.update({
        "languages": old["languages"],
        "title": old["title"],
        "intro": old["intro"],
        "scales": {SCALE: new_scale},
        "pages": pages,
        "dimensions": [
            {"key": d["key"], "title": d["title"], "items": [item["key"] for item in d["items"]]}
            for d in old["dimensions"]
        ],
        "overall": old["overall"],
    })
    return json.loads(json.dumps(new))  # no value shared between places: a YAML writer would make it an alias


def _rating(item: dict[str, Any]) -> dict[str, Any]:
    rating = {"type": "rating", "key": item["key"], "scale": SCALE, "text": item["text"]}
    for field in ("reverse", "required", "lineage", "replaces"):
        if item.get(field) is not None:
            rating[field] = item[field]
    return rating


def _single(question: dict[str, Any]) -> dict[str, Any]:
    single = {"type": "single", "key": question["key"], "text": question["text"]}
    for field in ("required", "source", "options"):
        if question.get(field) is not None:
            single[field] = question[field]
    return single


def _text(question: dict[str, Any]) -> dict[str, Any]:
    return {"type": "text", "key": question["key"], "text": question["text"]}
