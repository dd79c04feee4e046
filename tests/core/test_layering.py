"""The layers, read from the source: the core knows no domain, the domains know nothing of the
demo, and imports inside functions stay the few that break a real cycle."""
from __future__ import annotations

import ast
from pathlib import Path

import festival

PACKAGE = Path(festival.__file__).resolve().parent
# What the core may import from the package: itself and the extensions it is bound with.
CORE_MAY_IMPORT = ("festival.core", "festival.extensions", "festival.config")
# What puts the application together, and so may import the demo (its `flask demo` command).
WIRING = {"festival", "festival.cli"}
# Imports of festival inside a function: each breaks a cycle at start-up (its comment says
# which). Lower this when one goes; never raise it to let a new one in.
MOST_FUNCTION_IMPORTS = 40  # 34 in the factory, 5 in the API, 1 in mail (each with its cycle named)


def _modules(folder: Path):
    for path in sorted(folder.rglob("*.py")):
        if "migrations" not in path.relative_to(PACKAGE).parts:
            yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _imported(node: ast.AST) -> list[str]:
    """The festival modules an import statement names (`from festival import x` names
    festival.x)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names if alias.name.split(".")[0] == "festival"]
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        if node.module == "festival":
            return [f"festival.{alias.name}" for alias in node.names]
        if node.module.split(".")[0] == "festival":
            return [node.module]
    return []


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def _function_imports(tree: ast.Module):
    """Imports of festival anywhere inside a function's body (nested blocks included)."""
    for function in ast.walk(tree):
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for statement in function.body:
                for node in ast.walk(statement):
                    if _imported(node):
                        yield node


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"


def test_the_core_imports_no_domain():
    found = [f"{_where(path, node)} imports {name}"
             for path, tree in _modules(PACKAGE / "core")
             for node in ast.walk(tree)
             for name in _imported(node)
             if not any(_within(name, allowed) for allowed in CORE_MAY_IMPORT)]
    assert found == []


def test_no_domain_imports_the_demo():
    found = [f"{_where(path, node)} imports {name}"
             for path, tree in _modules(PACKAGE)
             if not _within(_module_name(path), "festival.demo")
             and _module_name(path) not in WIRING
             for node in ast.walk(tree)
             for name in _imported(node)
             if _within(name, "festival.demo")]
    assert found == []


def test_imports_inside_functions_do_not_grow_back():
    found = sorted({_where(path, node) for path, tree in _modules(PACKAGE)
                    for node in _function_imports(tree)})
    assert len(found) <= MOST_FUNCTION_IMPORTS, "\n".join(found)


def test_the_checks_see_what_they_look_for():
    tree = ast.parse("import festival.accounts\nfrom festival import editions\n"
                     "def f():\n    if True:\n        from festival.demo import x\n")
    names = [name for node in ast.walk(tree) for name in _imported(node)]
    assert names == ["festival.accounts", "festival.editions", "festival.demo"]
    assert [node.lineno for node in _function_imports(tree)] == [5]
