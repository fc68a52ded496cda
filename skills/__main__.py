import sys

from skills.plans.contract import process_started

# Imported first and on its own (it needs nothing else): a planner's time limit runs from the
# moment the command started, so the imports that follow count towards it.
STARTED = process_started()

from skills.cli import main  # noqa: E402

sys.exit(main(started=STARTED))
