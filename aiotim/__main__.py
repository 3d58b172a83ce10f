"""``python -m aiotim``: the ``aiotim`` command."""

import sys

from aiotim.cli import main

sys.exit(main())
