"""`python -m game` runs the same command line as `escape`."""

from game.cli import main

raise SystemExit(main())
