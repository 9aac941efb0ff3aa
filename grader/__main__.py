"""Entry point for `python -m grader`."""
import sys

from grader.startpath import drop_start_folder

drop_start_folder()  # before anything imports a module a submission folder could shadow

from grader.cli import main  # noqa: E402

sys.exit(main())
