"""Write a definition (plain data) as YAML that every parser reads the same.

Files leave Benchlearn (`questionnaire upgrade`, imports, exports) to be edited by hand and read by other
tools, some of them YAML 1.1 parsers (PyYAML, yamllint) and some 1.2 (ruamel.yaml, Benchlearn's own reader).
PyYAML's writer already quotes every string a YAML 1.1 parser would read as something else (`no`, `on`,
`1:30`, ...); a string a 1.2 parser would read as a number (`0o17`) is quoted too.
"""
from __future__ import annotations

import re
from typing import Any

import yaml

_NUMBER_IN_1_2 = re.compile(r"[-+]?(?:0o[0-7]+|0x[0-9a-fA-F]+|[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9]+)")


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _string(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if _NUMBER_IN_1_2.fullmatch(value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    return dumper.represent_str(value)


_Dumper.add_representer(str, _string)


def dump_definition(data: dict[str, Any], header: str = "") -> str:
    """`data` as block-style YAML in its own key order, Unicode kept; `header` (comment lines) first."""
    body = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=110, default_flow_style=False)
    return header + body
