"""Build step for zinc-shm: bundle the Rust core's shared library into the package.

Everything declarative lives in pyproject.toml. This file only hooks ``build_py`` so that
``pip install adapters/python`` (which builds the wheel in place) runs

    cargo build --release -p zinc-core          (in the repository root, ../../)

and copies ``libzinc_core.so`` next to ``zinc/__init__.py``, where ``zinc`` loads it from.

``ZINC_BUILD_LIB=/abs/path/libzinc_core.so`` bundles an already-built library instead of running
cargo (e.g. when building from an sdist, away from the repository). ``CARGO`` names the cargo
binary; otherwise it is looked up on PATH and in ~/.cargo/bin.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

try:  # setuptools >= 70.1 ships bdist_wheel itself
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # pragma: no cover
    from wheel.bdist_wheel import bdist_wheel  # type: ignore

HERE = Path(__file__).resolve().parent
if sys.platform == "darwin":
    LIB_FILE = "libzinc_core.dylib"
else:
    LIB_FILE = "libzinc_core.so"


def _log(msg):
    print("zinc-shm build: " + msg, file=sys.stderr, flush=True)


def _find_repo_root():
    for cand in [HERE.parent.parent, *HERE.parents]:
        if (cand / "Cargo.toml").is_file() and (cand / "core" / "Cargo.toml").is_file():
            return cand
    return None


def _find_cargo():
    explicit = os.environ.get("CARGO")
    if explicit:
        return explicit
    found = shutil.which("cargo")
    if found:
        return found
    home = Path(os.path.expanduser("~")) / ".cargo" / "bin" / "cargo"
    if home.is_file():
        return str(home)
    raise SystemExit("zinc-shm build: cargo not found (install Rust, or set CARGO=/path/to/cargo "
                     "or ZINC_BUILD_LIB=/abs/path/" + LIB_FILE + ")")


def build_core_library():
    """Return the path of a freshly built (or explicitly given) core library."""
    given = os.environ.get("ZINC_BUILD_LIB")
    if given:
        if not os.path.isfile(given):
            raise SystemExit(f"zinc-shm build: ZINC_BUILD_LIB={given!r} does not exist")
        _log(f"bundling {given} (ZINC_BUILD_LIB)")
        return Path(given)
    root = _find_repo_root()
    if root is None:
        raise SystemExit("zinc-shm build: the Zinc repository (Cargo.toml + core/) was not found "
                         f"above {HERE}; build from the repository or set ZINC_BUILD_LIB")
    cargo = _find_cargo()
    cmd = [cargo, "build", "--release", "-p", "zinc-core",
           "--message-format=json-render-diagnostics"]
    _log(f"running {' '.join(cmd)} in {root}")
    proc = subprocess.run(cmd, cwd=str(root), stdout=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"zinc-shm build: cargo failed with status {proc.returncode}")
    built = None
    for line in proc.stdout.splitlines():
        try:
            msg = json.loads(line)
        except ValueError:
            continue
        if msg.get("reason") != "compiler-artifact":
            continue
        if msg.get("target", {}).get("name") not in ("zinc_core", "zinc-core"):
            continue
        for f in msg.get("filenames", []):
            if os.path.basename(f) == LIB_FILE:
                built = Path(f)
    if built is None:  # fall back to the conventional location
        built = root / "target" / "release" / LIB_FILE
    if not built.is_file():
        raise SystemExit(f"zinc-shm build: cargo succeeded but {built} does not exist")
    return built


class BuildPyWithCore(build_py):
    def run(self):
        stale = Path(self.build_lib) / "zinc"
        if stale.is_dir():  # an earlier in-tree build: never ship files removed from src/
            shutil.rmtree(stale)
        super().run()
        lib = build_core_library()
        dest_dir = Path(self.build_lib) / "zinc"
        dest_dir.mkdir(parents=True, exist_ok=True)
        dest = dest_dir / LIB_FILE
        shutil.copyfile(lib, dest)
        os.chmod(dest, 0o755)
        _log(f"bundled {lib} -> {dest}")

    def get_outputs(self, include_bytecode=True):
        outs = list(super().get_outputs(include_bytecode))
        outs.append(str(Path(self.build_lib) / "zinc" / LIB_FILE))
        return outs


class BinaryDistribution(Distribution):
    """The wheel carries a native library, so it is platform-specific."""

    def has_ext_modules(self):
        return True


class PlatformWheel(bdist_wheel):
    """Tag py3-none-<platform>: the library is loaded by cffi ABI mode, not the CPython ABI."""

    def finalize_options(self):
        super().finalize_options()
        self.root_is_pure = False

    def get_tag(self):
        _python, _abi, plat = super().get_tag()
        return "py3", "none", plat


setup(
    distclass=BinaryDistribution,
    cmdclass={"build_py": BuildPyWithCore, "bdist_wheel": PlatformWheel},
)
