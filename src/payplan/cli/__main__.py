"""`python -m payplan.cli`: the same as the `payplan` command."""

from payplan.cli.main import main

main()
