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
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                if node.module:
                    yield node.lineno, f"{base}.{node.module}"
                else:  # `from . import x`: the submodules x (the package itself is already loaded)
                    yield from ((node.lineno, f"{base}.{a.name}") for a in node.names)
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


BOTTOM = ("convcheck.registry", "convcheck.glossary")  # import nothing from the project (tested below)


def test_theory_and_reference_never_import_each_other_or_the_join():
    """They may import convcheck's bottom modules, nothing else of convcheck and not each other."""
    for layer, other in (("theory", "reference"), ("reference", "theory")):
        bad = [f"{p.relative_to(ROOT)}:{line}: {name}" for p in sources(layer)
               for line, name in imports(p)
               if name.split(".")[0] in (other, "convcheck") and name not in BOTTOM
               and not name.startswith(f"convcheck.{layer}")]
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


def _module_name(path):
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _package_graph(folder):
    """convcheck module -> the convcheck modules it imports (anywhere in the file, functions included)."""
    return _graph([p for p in sources(folder) if not p.is_relative_to(ROOT / folder / "theory")
                   and not p.is_relative_to(ROOT / folder / "reference")])


def _graph(paths):
    """module -> the modules among paths it imports (anywhere in the file, functions included)."""
    names = {_module_name(p) for p in paths}
    graph = {}
    for p in paths:
        out = {name for _, name in imports(p)}
        graph[_module_name(p)] = sorted(n for n in out if n in names and n != _module_name(p))
    return graph


def _assert_no_circle(graph):
    state, path = {}, []

    def visit(m):
        state[m] = "open"
        path.append(m)
        for n in graph[m]:
            assert state.get(n) != "open", "import circle: " + " -> ".join(path[path.index(n):] + [n])
            if n not in state:
                visit(n)
        state[m] = "done"
        path.pop()

    for m in graph:
        if m not in state:
            visit(m)


def test_convcheck_has_no_import_circle():
    graph = _package_graph("convcheck")
    _assert_no_circle(graph)
    assert "convcheck.join" in graph["convcheck.checker"]  # the graph is read, with its edges


def test_the_prover_imports_its_parts_at_the_top_and_around_no_circle():
    """prove.py and its parts in proving/ (the symbolic rules and merging bounds call each other, so they
    share a module rather than import each other from inside a function)."""
    paths = [ROOT / "theory" / "prove.py", *sources("theory/proving")]
    graph = _graph(paths)
    _assert_no_circle(graph)
    assert "theory.proving.context" in graph["theory.proving.symbolic"]  # the graph is read, with its edges
    nested = [f"{p.relative_to(ROOT)}:{node.lineno}" for p in paths for tree in [ast.parse(p.read_text())]
              for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom)) and node not in tree.body]
    assert not nested, "imports inside a function: " + ", ".join(nested)


def test_the_bottom_modules_import_nothing_from_the_project():
    """registry.py and glossary.py are what theory/ and reference/ may import from convcheck/."""
    for bottom in ("registry.py", "glossary.py", "verdicts.py"):
        assert not [n for _, n in imports(ROOT / "convcheck" / bottom) if n.split(".")[0] in LAYERS]


# Imports inside functions: only optional extras and modules deferred so that `convcheck` starts fast. A deferred
# import of the project's own modules would hide an import circle, so each one is listed here with its reason.
OPTIONAL_OR_HEAVY = ("torch", "jax", "optax", "cupy", "array_api_strict", "numba", "dask", "tqdm", "pepit",
                     "matplotlib", "scipy", "mpmath", "importlib.metadata")
DEFERRED_FOR_START_UP = {
    ("convcheck/commands/listing.py", "convcheck"): "SymPy's theorems load only on a cache miss",
    ("convcheck/commands/tightness.py", "convcheck.studies.common"): "scipy.stats and matplotlib, only with --plot",
}


def test_imports_inside_functions_are_optional_or_deferred_on_purpose():
    bad = []
    for p in sources("convcheck", "reference", "theory"):
        rel, package = str(p.relative_to(ROOT)), ".".join(p.relative_to(ROOT).with_suffix("").parts[:-1])
        for fn in ast.walk(ast.parse(p.read_text(), rel)):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(fn):
                if isinstance(node, ast.ImportFrom):
                    base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                    names = [f"{base}.{node.module}" if node.level else node.module]
                elif isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                else:
                    continue
                for name in names:
                    name = name.replace("reference.", "convcheck.reference.", 1) if name.startswith("reference.") \
                        else name
                    if name.split(".")[0].lower() in OPTIONAL_OR_HEAVY or name.startswith("importlib.metadata"):
                        continue
                    if (rel, name) not in DEFERRED_FOR_START_UP:
                        bad.append(f"{rel}:{node.lineno}: {name}")
    assert not bad, "imports inside functions (move them to the top, or list why they are deferred):\n" + \
        "\n".join(bad)
