"""``python -m wzcore``: see :mod:`wzcore.cli`."""

import sys

from wzcore.cli import main

sys.exit(main())
