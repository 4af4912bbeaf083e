import sys

from katlearn.cli import main

sys.exit(main())
