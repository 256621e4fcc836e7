"""Assertions shared by the reference package's test files."""

import pytest


def assert_error_names_argument(call, error, name, fragment):
    """``call()`` raises ``error`` whose message starts with the argument's name and contains ``fragment``."""
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    assert message.startswith(name + " "), message
    assert fragment in message, message
