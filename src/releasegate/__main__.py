"""`python -m releasegate` runs the CLI."""

import sys

from releasegate.cli import main

sys.exit(main())
