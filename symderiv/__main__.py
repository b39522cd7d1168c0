import sys

from symderiv.cli import main

sys.exit(main())
