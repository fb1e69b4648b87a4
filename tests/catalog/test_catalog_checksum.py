"""The checksum identifies content: formatting never changes it, any change of content does."""
import random
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from survey.catalog.definition import checksum, load_definition, parse_definition

HERE = Path(__file__).parent
ORIGINAL = HERE / "valid" / "2026.yaml"
NO_DATABASE = settings(database=None, deadline=None, max_examples=40)


def plain_data() -> Any:
    return YAML(typ="safe").load(ORIGINAL.read_text(encoding="utf-8"))


def as_yaml(data: Any, flow: bool) -> str:
    yaml = YAML(typ="safe")
    yaml.default_flow_style = flow
    yaml.allow_unicode = True
    lines: list[str] = []

    class Sink:
        def write(self, chunk: str | bytes) -> None:
            lines.append(chunk.decode("utf-8") if isinstance(chunk, bytes) else chunk)

    yaml.dump(data, Sink())
    return "".join(lines)


def shuffled(data: Any, rng: random.Random) -> Any:
    """The same data with every mapping's keys in a random order."""
    if isinstance(data, dict):
        keys = list(data)
        rng.shuffle(keys)
        return {key: shuffled(data[key], rng) for key in keys}
    if isinstance(data, list):
        return [shuffled(item, rng) for item in data]
    return data


def text_paths(data: Any, path: tuple = ()) -> list[tuple]:
    """Paths of every translated string (the values under a language key) in the definition."""
    if isinstance(data, dict):
        return [found for key, value in data.items() for found in text_paths(value, (*path, key))]
    if isinstance(data, list):
        return [found for i, value in enumerate(data) for found in text_paths(value, (*path, i))]
    if isinstance(data, str) and path and path[-1] in ("da", "en"):
        return [path]
    return []


def test_reformatted_identical_content_has_the_same_checksum():
    reformatted = load_definition(HERE / "reformatted" / "2026.yaml")
    assert reformatted == load_definition(ORIGINAL)
    assert checksum(reformatted) == checksum(load_definition(ORIGINAL))


@NO_DATABASE
@given(seed=st.integers(), flow=st.booleans())
def test_key_order_and_style_never_change_the_checksum(seed: int, flow: bool):
    text = as_yaml(shuffled(plain_data(), random.Random(seed)), flow)
    assert checksum(parse_definition(text, "shuffled.yaml")) == checksum(load_definition(ORIGINAL))


@NO_DATABASE
@given(data=st.data())
def test_any_changed_text_changes_the_checksum(data: st.DataObject):
    content = plain_data()
    *parent_path, language = data.draw(st.sampled_from(text_paths(content)))
    parent = content
    for step in parent_path:
        parent = parent[step]
    old = parent[language]
    new = data.draw(st.text(min_size=1).map(str.strip).filter(lambda text: text and text != old.strip()))
    parent[language] = new
    assert checksum(parse_definition(as_yaml(content, False), "changed.yaml")) != checksum(load_definition(ORIGINAL))


def test_other_changes_of_content_change_the_checksum():
    original = ORIGINAL.read_text(encoding="utf-8")
    changes = [
        ("        reverse: true\n", ""),
        ("teaching.feedback", "teaching.feedbacks"),
        ("code: 9", "code: 99"),
        ("    points: 4\n", "    points: 4\n    order: descending\n"),
        ("        key: comments", "        key: remarks"),
        ("  - key: background", "  - key: about_you"),
        ("        key: program\n", "        key: program\n        required: true\n"),
    ]
    checksums = {checksum(load_definition(ORIGINAL))}
    for old, new in changes:
        assert old in original
        checksums.add(checksum(parse_definition(original.replace(old, new), "changed.yaml")))
    assert len(checksums) == len(changes) + 1
