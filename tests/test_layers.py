"""The floor plan holds: each app imports only the layers below it, no app another's views, no module circles.

    community  ←  news, volunteers, lending, places  ←  wishes, whistles, party  ←  portal  (←  bench, the benchmark's tools)

Read from the source with Python's own parser (``ast``), so that an import
made anywhere (at the top of a module or inside a function) counts. What a
lower app must show of a higher one comes through contribution slots
(community/contributions.py), never through an import.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {
    "community": 0,
    "news": 1,
    "volunteers": 1,
    "wishes": 2,
    "whistles": 2,
    "lending": 1,
    "places": 1,
    "party": 2,
    "portal": 3,
    "bench": 4,
}
# Imports of project modules inside functions: each needs its reason in a comment (the app registry, an optional
# dependency). A few at most; the rest of the code imports at the top of the module.
MAX_FUNCTION_LOCAL_IMPORTS = 5


def _modules():
    """{dotted module name: path} for every module of the portal's apps (migrations left out: generated)."""
    modules = {}
    for app in LAYERS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


MODULES = _modules()


def _project_module(name):
    """The project module an import names (the longest known prefix), or None for anything else."""
    parts = name.split(".")
    while parts:
        if ".".join(parts) in MODULES:
            return ".".join(parts)
        parts.pop()
    return None


def _imports():
    """(importing module, imported module, line, inside a function?, the source line and the one before)."""
    found = []
    for module, path in MODULES.items():
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        tree = ast.parse(source)
        in_function = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                in_function.update(id(inner) for inner in ast.walk(node) if inner is not node)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            else:
                continue
            targets = {_project_module(name) for name in names} - {None, module}
            context = "\n".join(lines[max(node.lineno - 2, 0) : node.lineno])
            found.extend((module, target, node.lineno, id(node) in in_function, context) for target in targets)
    return found


IMPORTS = _imports()


def _app(module):
    return module.split(".")[0]


def test_the_analysis_reads_every_app():
    assert {_app(module) for module in MODULES} == set(LAYERS)
    assert len(IMPORTS) > 100  # it sees the imports there are


def test_community_imports_no_feature_app():
    wrong = sorted({f"{a} → {b}" for a, b, *_ in IMPORTS if _app(a) == "community" and _app(b) != "community"})
    assert not wrong, wrong


@pytest.mark.parametrize("app", [app for app in LAYERS if app != "community"])
def test_each_app_imports_only_from_the_layers_below_it(app):
    wrong = sorted(
        {
            f"{a}:{line} → {b}"
            for a, b, line, *_ in IMPORTS
            if _app(a) == app and _app(b) != app and LAYERS[_app(b)] >= LAYERS[app]
        }
    )
    assert not wrong, wrong


def test_no_app_imports_another_apps_views():
    wrong = sorted(
        {f"{a}:{line} → {b}" for a, b, line, *_ in IMPORTS if _app(a) != _app(b) and b.split(".")[-1] == "views"}
    )
    assert not wrong, wrong


def test_no_modules_import_each_other_in_a_circle():
    graph = {}
    for a, b, *_ in IMPORTS:
        graph.setdefault(a, set()).add(b)
    circles, done, path = [], set(), []

    def visit(module):
        if module in path:
            circles.append(" → ".join([*path[path.index(module) :], module]))
            return
        if module in done:
            return
        path.append(module)
        for imported in sorted(graph.get(module, ())):
            visit(imported)
        path.pop()
        done.add(module)

    for module in sorted(graph):
        visit(module)
    assert not circles, circles


def test_function_local_imports_of_project_modules_are_few_and_each_says_why():
    local = [(a, b, line, context) for a, b, line, inside, context in IMPORTS if inside]
    assert len({(a, line) for a, _b, line, _c in local}) <= MAX_FUNCTION_LOCAL_IMPORTS, local
    unexplained = [f"{a}:{line}" for a, _b, line, context in local if "#" not in context]
    assert not unexplained, f"function-local imports without a reason in a comment: {unexplained}"
