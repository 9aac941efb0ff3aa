"""The README students find in their Classroom repository: set-up, checking, handing in, and what counts."""
STUDENT_README = "README.md"


def _table(tasks):
    rows = "\n".join(f"| `{task.name}` | `assignments/{task.module}.py` | {task.points} |" for task in tasks)
    return f"| task | file | points |\n|---|---|---|\n{rows}\n| total | | {sum(task.points for task in tasks)} |"


def student_readme(tasks, train):
    training = ("`train_alexnet`, `train_vgg` and `train_nin` train your networks (reduced size) on Fashion-MNIST; "
                "`pytest --no-train` skips them while you work." if train else
                "This assignment has no training tasks.")
    return f"""# Modern CNNs: AlexNet, VGG, NiN (d2l-zh v2 §7.1–7.3)

Fill in the functions in `assignments/` (each has the book's signature and a docstring with the shapes to
expect; replace its `raise NotImplementedError`), check them with `pytest`, and push. {training}

{_table(tasks)}

## Set up (once)

```bash
python3 -m venv .venv
.venv/bin/pip install -r requirements.txt
```

This installs the grading kit from `kit/`, PyTorch and pytest (Python ≥ 3.10). On Linux without a GPU add
`--index-url https://download.pytorch.org/whl/cpu --extra-index-url https://pypi.org/simple` for PyTorch's
much smaller CPU build, as the workflow does.

## Check your work

```bash
.venv/bin/pytest --no-train      # one test per task, a points table at the end (quick)
.venv/bin/pytest                 # the same, training included
.venv/bin/pytest -k vgg          # only the VGG tasks
```

A wrong answer says what was expected, what came back, on which smallest input, and names the mistake when it is
a known one. Prefer Jupyter? `assignments/notebooks/` holds the same exercises; `pytest --submission
assignments/notebooks` checks them. To hand a notebook in, move it into `assignments/` (`git mv
assignments/notebooks/vgg.ipynb assignments/`): a function you filled in there is graded while its `.py` copy
is still the unfilled stub.

## Hand in

Commit and push (`git add assignments && git commit -m "..." && git push`). Every push runs the workflow
**Autograding Tests** (the Actions tab): one test per task with its points, the same numbers `pytest` prints,
and GitHub Classroom shows their sum.

## What counts

- **The workflow is feedback, not your grade.** It runs in your repository, with files you can change, so it
  can only tell you how your code does. Your instructor grades a clone of this repository on their own
  machine with their own copy of the kit: only the files directly in `assignments/` (`.py` and `.ipynb`) at your
  last commit before the deadline count. Changes anywhere else — the workflow, `test_assignments.py`,
  `pytest.ini`, `kit/` — are ignored.
- **Commit times are the deadline's evidence.** Commit before the deadline and push; do not rewrite history
  (`git rebase`, `git push --force`) after it. A commit's date is set by the computer that made it, so
  instructors may also compare it with the push times GitHub records.
- `kit/` is the grading kit. It contains the reference solutions, because the checks compare your networks
  with them by behaviour; your course's rules on copying apply to them as to any other source.
"""
