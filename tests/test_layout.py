"""The code's layout (cooperation/__init__.py): the core at the app's top
level, the audiences in packages, imports pointing only the allowed ways,
and README's layout table naming what is there."""

import ast
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "cooperation"

AUDIENCES = ("public", "staff", "transfer", "api", "management")
# The modules that mount the audiences on the core: the URLs, and the app
# config that imports the admin (settings names them only as strings).
WIRING = {"cooperation.urls", "cooperation.apps"}
# What each part must not import. The issue's rule (the core imports no
# audience; the public site neither the staff's code nor the import) and
# what follows from the others' place: the import serves the admin and the
# command but knows neither, the API is built on the public site's filters.
FORBIDDEN = {
    "core": set(AUDIENCES),
    "public": {"staff", "transfer", "api", "management"},
    "transfer": {"public", "staff", "api", "management"},
    "api": {"staff", "transfer", "management"},
    "staff": {"api", "management"},
}


def part(module: str) -> str:
    """The part of the app a dotted module name belongs to."""
    pieces = module.split(".")
    if len(pieces) > 1 and pieces[1] in AUDIENCES:
        return pieces[1]
    return "core"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported(source: str, module: str, is_package: bool) -> set[str]:
    """The cooperation modules that ``source`` (the text of ``module``)
    imports, at any depth of the file (imports inside functions count)."""
    package = module if is_package else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            # "from . import embed" imports the module cooperation.public.embed.
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return {name for name in found if name.split(".")[0] == "cooperation"}


def violations(source: str, module: str, is_package: bool = False) -> list[str]:
    if module in WIRING:
        return []
    forbidden = FORBIDDEN.get(part(module), set())
    return sorted(
        f"{module} imports {target}"
        for target in imported(source, module, is_package)
        if part(target) in forbidden and part(target) != part(module)
    )


def app_modules():
    for path in sorted(APP.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        yield path, module_name(path)


def test_imports_point_only_the_allowed_ways():
    found = [
        problem
        for path, module in app_modules()
        for problem in violations(
            path.read_text(), module, is_package=path.name == "__init__.py"
        )
    ]
    assert found == []


def test_the_import_check_sees_imports_and_refuses_the_wrong_ones():
    # What the check reads from the real files: the public views use the
    # core, the admin uses the public embed and the import.
    views = APP / "public" / "views.py"
    assert {"cooperation.models", "cooperation.public.embed"} <= imported(
        views.read_text(), "cooperation.public.views", False
    )
    admin = APP / "staff" / "admin.py"
    assert {"cooperation.public.embed", "cooperation.transfer"} <= imported(
        admin.read_text(), "cooperation.staff.admin", False
    )
    # Each way of writing a forbidden import is caught.
    assert violations("from .staff import admin", "cooperation.services") == [
        "cooperation.services imports cooperation.staff",
        "cooperation.services imports cooperation.staff.admin",
    ]
    assert (
        violations(
            "def f():\n    from ..transfer.cells import normalized\n",
            "cooperation.public.feeds",
        )[0]
        == "cooperation.public.feeds imports cooperation.transfer.cells"
    )
    assert (
        violations("import cooperation.public.views", "cooperation.models.exchange")[0]
        == "cooperation.models.exchange imports cooperation.public.views"
    )
    assert violations("from .. import staff", "cooperation.public", True) == [
        "cooperation.public imports cooperation.staff"
    ]
    # The wiring mounts everything; the staff may use the public site.
    assert violations("from .public import views", "cooperation.urls") == []
    assert violations("from ..public import embed", "cooperation.staff.admin") == []


def layout_rows() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([^`]+)` \|", section, flags=re.MULTILINE)


def test_readme_layout_names_every_folder_of_the_app_and_the_repository():
    rows = layout_rows()
    app_folders = {
        f"cooperation/{path.name}/"
        for path in APP.iterdir()
        if path.is_dir() and not path.name.startswith(("_", "."))
    }
    assert app_folders <= set(rows), app_folders - set(rows)
    # The repository's folders (what git holds, not what runs leave behind).
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    top_folders = {f"{name.split('/')[0]}/" for name in tracked if "/" in name}
    assert top_folders <= set(rows), top_folders - set(rows)
    missing = [row for row in rows if row != "var/" and not (ROOT / row).exists()]
    assert missing == []


@pytest.mark.parametrize(
    "package",
    sorted(
        path.parent.relative_to(ROOT).as_posix()
        for path in APP.glob("*/__init__.py")
        if path.parent.name != "migrations"
    )
    + ["cooperation"],
)
def test_every_package_says_what_it_holds(package):
    source = (ROOT / package / "__init__.py").read_text()
    docstring = ast.get_docstring(ast.parse(source))
    assert docstring and len(docstring) > 60
