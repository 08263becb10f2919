"""The package's layers: no import cycle (imports inside functions included), a foundation that
imports nothing else of argmine, no private name imported across packages."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "argmine"
FOUNDATION = {
    "argmine.errors",
    "argmine.types",
    "argmine.files",
    "argmine.config",
    "argmine.scheme",
    "argmine.spacy_import",
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module imported, names taken from it) for every import in the file, at any depth."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names if alias.name.startswith("argmine")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            if not target.startswith("argmine"):
                continue
            names = [alias.name for alias in node.names]
            submodules = [
                n
                for n in names
                if (PACKAGE.parent / target.replace(".", "/") / n).with_suffix(".py").exists()
                or (PACKAGE.parent / target.replace(".", "/") / n / "__init__.py").exists()
            ]
            found += [(f"{target}.{n}", []) for n in submodules]
            rest = [n for n in names if n not in submodules]
            if rest or not submodules:
                found.append((target, rest))
    return found


GRAPH = {module_name(p): imports(p) for p in PACKAGE.rglob("*.py")}


def test_no_import_cycle():
    edges = {m: {t for t, _ in targets if t in GRAPH and t != m} for m, targets in GRAPH.items()}
    # Tarjan's strongly connected components: any component of more than one module is a cycle.
    index, low, stack, on, cycles, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    assert cycles == []


@pytest.mark.parametrize("module", sorted(FOUNDATION))
def test_foundation_imports_only_the_foundation(module):
    assert {t for t, _ in GRAPH[module]} <= FOUNDATION | {module, "argmine"}


def test_no_private_name_is_imported_from_another_package():
    def package(m):
        return m if (PACKAGE.parent / m.replace(".", "/") / "__init__.py").exists() else m.rsplit(".", 1)[0]

    private = [
        (m, t, n)
        for m, targets in GRAPH.items()
        for t, names in targets
        for n in names
        if n.startswith("_") and package(t) != package(m) and n != "__version__"
    ]
    assert private == []


def test_the_cli_is_imported_by_nobody_but_the_entry_point():
    assert [m for m, targets in GRAPH.items() if any(t == "argmine.cli" for t, _ in targets)] == ["argmine.__main__"]
