"""The reliability suite (issue 13): each finding of the probe campaign reproduced, now passing.

Run alone with ``.venv/bin/python -m pytest -q -m reliability`` (or ``pytest tests/reliability``);
it is part of the README's test command and of CI.
"""
