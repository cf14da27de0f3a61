import sys

from maturity.cli import main

sys.exit(main())
