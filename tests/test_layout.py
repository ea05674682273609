"""The package's shape: install names, layering. Read from the sources with ast, so a violation is
named by file and line."""
import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("theory", "reference", "convcheck")


def imports(path):
    """(line, absolute module name) for every import in the file; relative ones resolved."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    tree = ast.parse(path.read_text(), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                yield node.lineno, ".".join(base + ([node.module] if node.module else []))
            else:
                yield node.lineno, node.module


def sources(*folders):
    for folder in folders:
        yield from sorted((ROOT / folder).rglob("*.py"))


def test_no_module_imports_a_layer_by_its_bare_folder_name():
    """`import theory` would load a second copy of the theorem registry beside convcheck.theory's
    (installed, it does not even exist), so everything uses the installed names."""
    bad = [f"{p.relative_to(ROOT)}:{line}: {name}"
           for p in sources("convcheck", "tests", "benchmarks")
           if not p.is_relative_to(ROOT / "convcheck" / "theory")
           and not p.is_relative_to(ROOT / "convcheck" / "reference")
           for line, name in imports(p) if name.split(".")[0] in ("theory", "reference")]
    assert not bad, "\n".join(bad)


def test_theory_and_reference_never_import_each_other_or_the_join():
    for layer, others in (("theory", ("reference", "convcheck")), ("reference", ("theory", "convcheck"))):
        bad = [f"{p.relative_to(ROOT)}:{line}: {name}" for p in sources(layer)
               for line, name in imports(p)
               if name.split(".")[0] in others or name.startswith(("convcheck.",))]
        assert not bad, f"{layer}/ imports another layer:\n" + "\n".join(bad)


def test_installed_names_resolve_to_the_top_level_folders():
    from convcheck import reference, theory
    assert Path(theory.__file__).resolve() == ROOT / "theory" / "__init__.py"
    assert Path(reference.__file__).resolve() == ROOT / "reference" / "__init__.py"


def test_generic_top_level_names_are_not_installed(tmp_path):
    """Outside the checkout only convcheck.* is importable (pyproject installs convcheck* alone)."""
    probe = "import importlib.util as u; print(u.find_spec('theory'), u.find_spec('reference'), " \
            "u.find_spec('convcheck.theory') is not None)"
    out = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True,
                         env={"PATH": "", "PYTHONPATH": ""}, check=True).stdout.split()
    assert out == ["None", "None", "True"]
