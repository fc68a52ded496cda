import sys

from skills.cli import main

sys.exit(main())
