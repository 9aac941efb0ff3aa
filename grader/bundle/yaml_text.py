"""Block-style YAML for plain data (dicts, lists, strings, numbers, booleans): enough for a GitHub workflow.

Every string is written double-quoted with JSON's escapes (a JSON string is a valid YAML double-quoted scalar), so
no value can turn into another type ('on', 'yes', '3.10', '*'); keys stay plain where YAML 1.1 reads them as strings.
"""
import json
import re

PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
YAML11_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}  # read as booleans/null, not strings


def _key(key):
    return key if PLAIN_KEY.match(key) and key.lower() not in YAML11_WORDS else json.dumps(key)


def _scalar(value):
    if isinstance(value, (dict, list)):  # only empty ones are written inline
        return "{}" if isinstance(value, dict) else "[]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    raise TypeError(f"cannot write {type(value).__name__} as YAML")


def _lines(value, indent):
    pad = " " * indent
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                yield f"{pad}{_key(key)}:"
                yield from _lines(item, indent + 2)
            else:
                yield f"{pad}{_key(key)}: {_scalar(item)}"
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, (dict, list)) and item:
                first, *rest = list(_lines(item, indent + 2))
                yield f"{pad}- {first.lstrip()}"
                yield from rest
            else:
                yield f"{pad}- {_scalar(item)}"
    else:
        yield pad + _scalar(value)


def dump(value, header=""):
    """YAML text for `value`, after `header` (comment lines, each without its '# ')."""
    comments = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    return comments + "\n".join(_lines(value, 0)) + "\n"
