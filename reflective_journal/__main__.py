"""`python -m reflective_journal`: the same as the `reflective-journal` command."""

import sys

from reflective_journal.cli import main

sys.exit(main())
