"""The kit's own tests read the English source messages, whatever the machine's locale or D2L_GRADER_LANG say
(subprocesses included); a test of the Chinese catalogue switches with grader.i18n.using_language("zh") or
passes --lang zh."""
import os

import pytest

from grader.i18n import ENV_VAR, using_language

os.environ[ENV_VAR] = "en"


@pytest.fixture(autouse=True)
def english_messages():
    with using_language("en"):
        yield
