"""``python -m aiotim``: the ``aiotim`` command."""

import sys

from aiotim.tools.cli import main

sys.exit(main())
