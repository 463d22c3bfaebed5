import sys

from dueprocess.cli import main

sys.exit(main())
