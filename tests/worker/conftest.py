"""Shared fixtures for the worker tests: submissions built from the reference plus one attack, a loopback listener."""
import json
import re
import secrets
import shutil
import socket
from pathlib import Path

import pytest

KIT = Path(__file__).resolve().parents[2]
HOSTILE = KIT / "tests" / "hostile"


def attack_meta(path):
    """The `# attack: {...}` header of a hostile file."""
    match = re.search(r"^# attack: (\{.*\})$", Path(path).read_text(), re.M)
    return json.loads(match.group(1))


def build_submission(folder, attack=None, **placeholders):
    """The reference solutions in `folder`, with `attack` appended to the module its header names."""
    folder.mkdir(parents=True)
    for source in (KIT / "solutions").glob("*.py"):
        if source.name != "__init__.py":
            shutil.copyfile(source, folder / source.name)
    if attack is not None:
        text = Path(attack).read_text()
        for key, value in {"KIT": str(KIT), **placeholders}.items():
            text = text.replace("{{%s}}" % key, str(value))
        target = folder / f"{attack_meta(attack)['module']}.py"
        target.write_text(target.read_text() + "\n\n# ---- hostile part ----\n" + text)
    return folder


@pytest.fixture
def listener():
    """A loopback TCP port the attacks try to reach; the test checks nobody connected."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    server.settimeout(0.3)
    yield server
    server.close()


@pytest.fixture
def tag():
    return "d2lh" + secrets.token_hex(4)
