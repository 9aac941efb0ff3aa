"""Which language is in force, and how the choice travels: options, environment, locale, context, worker."""
import pytest

from grader.i18n import (UnknownLanguage, _, current_language, joined, ngettext, resolve_language, set_language,
                         using_language)


@pytest.mark.parametrize("environ, expected", [
    ({}, "en"),
    ({"LANG": "zh_CN.UTF-8"}, "zh"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({"LANG": "fr_FR.UTF-8"}, "en"),                        # no French catalogue: English, as any program does
    ({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),  # LC_ALL overrides LANG
    ({"LANGUAGE": "zh_TW:en"}, "zh"),
    ({"D2L_GRADER_LANG": "zh", "LC_ALL": "en_US.UTF-8"}, "zh"),  # the kit's own variable beats the locale
])
def test_the_environment_and_locale_choose_when_no_option_does(environ, expected):
    assert resolve_language(None, environ) == expected


def test_an_option_beats_the_environment():
    assert resolve_language("en", {"D2L_GRADER_LANG": "zh"}) == "en"
    assert resolve_language("zh-CN", {}) == "zh"


def test_a_typo_is_an_error_that_lists_the_languages():
    with pytest.raises(UnknownLanguage, match="en, zh"):
        resolve_language("cn-zh-typo", {})
    with pytest.raises(UnknownLanguage):
        resolve_language(None, {"D2L_GRADER_LANG": "klingon"})


def test_using_language_restores_the_previous_one():
    assert current_language() == "en"  # tests/conftest.py
    with using_language("zh"):
        assert _("not implemented yet") == "尚未实现"
        with using_language("en"):
            assert _("not implemented yet") == "not implemented yet"
        assert current_language() == "zh"
    assert current_language() == "en"


def test_set_language_checks_its_argument():
    with pytest.raises(UnknownLanguage):
        set_language("xx")
    assert current_language() == "en"


def test_lists_and_plurals():
    assert joined(["a", "b", "c"]) == "a, b and c"
    with using_language("zh"):
        assert joined(["a", "b", "c"]) == "a、b 和 c"
    assert ngettext("one", "many", 2) == "many"
