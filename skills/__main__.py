import os
import sys

from skills.plans.contract import process_started

# Imported first and on its own (it needs nothing else): a planner's time limit runs from the
# moment the command started, so the imports that follow count towards it.
STARTED = process_started()

# A load (or an inspection) does no linear algebra, yet numpy, which pyarrow imports, starts
# OpenBLAS's thread pool: a tenth of a second of CPU in a two-second import. One thread
# starts at once. Only before numpy is first imported can it be said; a value already set wins.
if sys.argv[1:2] in (["load"], ["inspect"]):
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from skills.cli import main  # noqa: E402

sys.exit(main(started=STARTED))
