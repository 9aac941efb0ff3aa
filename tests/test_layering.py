"""Imports flow one way: every grader module sits in a layer of docs/ARCHITECTURE.md and imports only from its own
layer or the layers above it (lazy imports inside functions count too); no module reaches into another's privates."""
import ast
import re
from pathlib import Path

KIT = Path(__file__).resolve().parents[1]
GRADER = KIT / "grader"


def layers():
    """module prefix -> layer number, from the numbered list under "## Layers" in docs/ARCHITECTURE.md."""
    text = (KIT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    section = text.split("## Layers", 1)[1].split("\n## ", 1)[0]
    ranks = {}
    for number, names in re.findall(r"^(\d+)\. (.+)$", section, re.M):
        for name in re.findall(r"`(grader[\w.]*)`", names):
            ranks[name] = int(number)
    return ranks


def module_name(path):
    parts = path.relative_to(KIT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module, ranks):
    """The layer of the longest listed prefix of `module` (grader.checks.vgg -> grader.checks)."""
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        if ".".join(parts[:end]) in ranks:
            return ranks[".".join(parts[:end])]
    return None


def imports(path):
    """(imported grader module, names taken from it) for every import statement in the file, lazy ones included."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names if alias.name.startswith("grader")]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("grader"):
            for alias in node.names:  # `from grader import spec` imports the module grader.spec
                submodule = f"{node.module}.{alias.name}"
                is_module = (GRADER.parent / Path(*submodule.split("."))).with_suffix(".py").exists() or \
                    (GRADER.parent / Path(*submodule.split(".")) / "__init__.py").exists()
                found.append((submodule, []) if is_module else (node.module, [alias.name]))
    return found


def test_the_architecture_document_lists_layers():
    ranks = layers()
    assert len(set(ranks.values())) >= 8 and "grader.spec" in ranks and "grader.cli" in ranks


def test_every_module_has_a_layer_and_imports_only_from_its_own_or_above():
    ranks, wrong, unplaced = layers(), [], []
    for path in sorted(GRADER.rglob("*.py")):
        module = module_name(path)
        own = layer_of(module, ranks)
        if own is None:
            unplaced.append(module)
            continue
        for imported, _ in imports(path):
            theirs = layer_of(imported, ranks)
            if theirs is not None and theirs > own:
                wrong.append(f"{module} (layer {own}) imports {imported} (layer {theirs})")
    assert unplaced == [], "add these modules to a layer in docs/ARCHITECTURE.md"
    assert wrong == []


PUBLIC_UNDERSCORE = {("grader.i18n", "_")}  # gettext's own name for "translate": public by convention


def test_no_module_imports_another_modules_private_names():
    private = [f"{module_name(path)} imports {name} from {imported}"
               for path in sorted(GRADER.rglob("*.py")) for imported, names in imports(path)
               for name in names if name.startswith("_") and not name.startswith("__")
               and imported != module_name(path) and (imported, name) not in PUBLIC_UNDERSCORE]
    assert private == []
