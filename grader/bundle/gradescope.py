"""`python -m grader bundle gradescope OUT.zip`: a Gradescope autograder zip — setup.sh, run_autograder, the kit.

Laid out per Gradescope's autograder specification (https://gradescope-autograders.readthedocs.io/en/latest/specs/):
setup.sh and run_autograder at the root of the zip, which Gradescope unpacks into /autograder/source; setup.sh runs
once at image build, run_autograder once per upload and writes /autograder/results/results.json.
"""
import json
import stat
import zipfile
from pathlib import Path

from grader import __version__
from grader.bundle.kit import TORCH_CPU_INDEX, BundleError, Written, kit_files, pinned_requirements
from grader.bundle.resources import recommend
from grader.i18n import check_language
from grader import spec

TEMPLATES = Path(__file__).with_name("templates")
EXECUTABLE = 0o755
# Gradescope's containers are CPU-only, so the GPU profile can never run there
PROFILES = ("cpu",)


def _render(name, values):
    text = (TEMPLATES / name).read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    if "{{" in text:
        raise BundleError(f"template {name} still holds a placeholder: {text[text.index('{{'):][:40]}")
    return text


def bundle_files(train=True, profile="cpu", language="en"):
    """zip member name -> (bytes, mode) for the whole autograder zip."""
    if profile not in PROFILES:
        raise BundleError(f"profile {profile!r} cannot run on Gradescope (its autograders have no GPU); use --profile cpu")
    grading_args = ("--no-train" if not train else f"--profile {profile}") + f" --lang {check_language(language)}"
    values = {"KIT_VERSION": __version__, "TRAIN": "on" if train else "off", "PROFILE": profile,
              "TORCH_CPU_INDEX": TORCH_CPU_INDEX, "GRADING_ARGS": grading_args}
    resources = recommend(train, profile)
    tasks = spec.tasks() + (spec.training_tasks() if train else ())
    settings = {"kit_version": __version__, "train": train, "profile": profile if train else None, "lang": language,
                "tasks": [{"name": t.name, "points": t.points} for t in tasks],
                "total_points": sum(t.points for t in tasks), "resources": resources}
    files = {"setup.sh": (_render("setup.sh", values).encode(), EXECUTABLE),
             "run_autograder": (_render("run_autograder", values).encode(), EXECUTABLE),
             "requirements.txt": (("\n".join(pinned_requirements()) + "\n").encode(), 0o644),
             "bundle.json": ((json.dumps(settings, indent=2) + "\n").encode(), 0o644),
             "RESOURCES.txt": (resources["text"].encode(), 0o644)}
    files.update({f"kit/{name}": (data, 0o644) for name, data in kit_files().items()})
    return files


def build_gradescope_zip(out, train=True, profile="cpu", language="en"):
    """Write the autograder zip to `out`; -> Written (with the settings to enter in Gradescope)."""
    out = Path(out)
    if out.suffix.lower() != ".zip":
        raise BundleError(f"{out} should end in .zip (Gradescope's 'Upload Autograder' takes a zip file)")
    files = bundle_files(train, profile, language)
    out.parent.mkdir(parents=True, exist_ok=True)
    temp = out.with_name(f".{out.name}.tmp")
    with zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, (data, mode) in sorted(files.items()):
            info = zipfile.ZipInfo(name, date_time=(2024, 11, 23, 0, 0, 0))  # fixed: the same kit, the same zip
            info.external_attr = (stat.S_IFREG | mode) << 16  # the unpacked scripts stay executable
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    temp.replace(out)
    total = json.loads(files["bundle.json"][0])["total_points"]
    return Written(out, f"wrote {out} ({len(files)} files, {total} points"
                        f"{'' if train else ', training off'})\n\n{files['RESOURCES.txt'][0].decode()}")


def unpack(zip_path, root):
    """Lay out `root` as Gradescope does (source/ holding the zip, run_autograder beside it, empty submission/ and
    results/) — for trying a bundle outside Gradescope; -> root."""
    root = Path(root)
    for folder in ("source", "submission", "results"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(zip_path) as archive:
        for info in archive.infolist():
            target = root / "source" / info.filename
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(info))
            target.chmod((info.external_attr >> 16) & 0o777 or 0o644)
    (root / "run_autograder").write_bytes((root / "source" / "run_autograder").read_bytes())
    (root / "run_autograder").chmod(EXECUTABLE)
    return root
