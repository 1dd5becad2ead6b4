"""Build of zinc-shm: the core is compiled from its Rust sources by setuptools-rust (cargo).

Everything declarative is in pyproject.toml. This file adds what setuptools cannot say there:

* the Rust sources: ``../../core`` in a checkout, ``rust/core`` in the sdist (the sdist command
  below copies the crate, a one-member Cargo workspace, Cargo.lock, include/zinc.h and VERSION
  into it, so ``pip install zinc-shm-X.tar.gz`` builds anywhere cargo exists);
* the library lands in the package as ``zinc/libzinc_core.so`` (a plain shared library that cffi
  loads, not a CPython extension), stripped like scripts/build-native.sh does: its debug info
  goes to ``libzinc_core.so.debug`` in ``$ZINC_DEBUG_DIR`` when that is set (``make dist-python``
  puts it next to the wheel), linked by .gnu_debuglink;
* the header ``include/zinc.h`` is shipped as ``zinc/zinc.h``: the cffi cdef is made from it;
* ``ZINC_WHEEL_GLIBC=2.17`` links against an old glibc through cargo-zigbuild (``make dist-python``
  sets it, so the wheel is manylinux_2_17);
* the wheel is tagged ``py3-none-<platform>`` (no CPython ABI involved);
* the version is the repository's VERSION file.
"""

import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from setuptools import setup
from setuptools.command.bdist_wheel import bdist_wheel
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist
from setuptools_rust import Binding, RustExtension
from setuptools_rust.build import build_rust

HERE = Path(__file__).resolve().parent
LIB_FILE = "libzinc_core.dylib" if sys.platform == "darwin" else "libzinc_core.so"
SDIST_RUST = HERE / "rust"  # present in an unpacked sdist
CHECKOUT = HERE.parent.parent  # <repo> when building from adapters/python in a checkout

if (SDIST_RUST / "core" / "Cargo.toml").is_file():
    RUST_ROOT, MANIFEST = SDIST_RUST, "rust/core/Cargo.toml"
    CARGO_ARGS = ["--locked"]  # the sdist carries a Cargo.lock made for exactly this workspace
elif (CHECKOUT / "core" / "Cargo.toml").is_file():
    RUST_ROOT, MANIFEST = CHECKOUT, os.path.relpath(CHECKOUT / "core" / "Cargo.toml", HERE)
    CARGO_ARGS = []
    # Own target directory: the crate-type flag setuptools-rust passes would otherwise make cargo
    # rebuild (and replace) target/release/libzinc_core.so that everybody else is using.
    os.environ.setdefault("CARGO_TARGET_DIR", str(CHECKOUT / "target" / "python"))
else:
    sys.exit("zinc-shm: no Rust sources (rust/core or ../../core): not an sdist nor a checkout")

if shutil.which(os.environ.get("CARGO", "cargo")) is None:  # rustup's default place
    os.environ["PATH"] = str(Path.home() / ".cargo" / "bin") + os.pathsep + os.environ["PATH"]


def _log(msg):
    print("zinc-shm build: " + msg, file=sys.stderr, flush=True)


class BuildCore(build_rust):
    """Install the cdylib as zinc/libzinc_core.so (not an EXT_SUFFIX name) and strip it.

    ``ZINC_WHEEL_GLIBC=2.17`` (set by ``make dist-python``) links against that glibc version
    through cargo-zigbuild (zig as the linker), so the wheel is manylinux_2_17 instead of
    whatever glibc the build machine has. Without it, plain cargo builds for this machine.
    """

    def run_for_extension(self, ext):
        glibc = os.environ.get("ZINC_WHEEL_GLIBC")
        if glibc:
            self.cargo = "cargo-zigbuild"
            self.target = f"{platform.machine()}-unknown-linux-gnu.{glibc}"
            _log(f"linking against glibc {glibc} with cargo-zigbuild ({self.target})")
        super().run_for_extension(ext)

    def _config_specific_rust_args(self, ext):
        if os.environ.get("ZINC_WHEEL_GLIBC"):  # rustc does not know the .<glibc> suffix
            return [], []
        return super()._config_specific_rust_args(ext)

    def get_dylib_ext_path(self, ext, target_fname):
        return os.path.join(
            os.path.dirname(super().get_dylib_ext_path(ext, target_fname)), LIB_FILE
        )

    def install_extension(self, ext, dylib_paths, build_artifact_dir):
        super().install_extension(ext, dylib_paths, build_artifact_dir)
        lib = Path(self.get_dylib_ext_path(ext, ext.name))
        if sys.platform == "darwin" or self._is_debug_build(ext):
            return
        tmp = Path(tempfile.mkdtemp(prefix="zinc-debug-"))
        debug = tmp / (LIB_FILE + ".debug")
        try:
            subprocess.run(["objcopy", "--only-keep-debug", str(lib), str(debug)], check=True)
            subprocess.run(["strip", "--strip-unneeded", str(lib)], check=True)
            subprocess.run(["objcopy", f"--add-gnu-debuglink={debug}", str(lib)], check=True)
        except (OSError, subprocess.CalledProcessError) as e:
            # cargo links through cc, so binutils are normally there; unstripped works too.
            _log(f"could not strip {lib} ({e}); shipping it as cargo built it")
            shutil.rmtree(tmp)
            return
        out = os.environ.get("ZINC_DEBUG_DIR")
        if out:
            os.makedirs(out, exist_ok=True)
            shutil.move(str(debug), os.path.join(out, debug.name))
            _log(f"stripped {lib}; its debug info is {out}/{debug.name}")
        else:
            _log(f"stripped {lib} (set ZINC_DEBUG_DIR=dir to keep its debug info)")
        shutil.rmtree(tmp)


class BuildPy(build_py):
    """Ship include/zinc.h as zinc/zinc.h (the cffi cdef is made from it at import)."""

    def run(self):
        super().run()
        header = RUST_ROOT / "include" / "zinc.h"
        self.copy_file(str(header), str(Path(self.build_lib) / "zinc" / "zinc.h"))

    def get_outputs(self, include_bytecode=True):
        return [
            *super().get_outputs(include_bytecode),
            str(Path(self.build_lib) / "zinc" / "zinc.h"),
        ]


class SdistWithRust(sdist):
    """Carry the core's Rust sources: rust/core, a one-member workspace, Cargo.lock, zinc.h."""

    def make_release_tree(self, base_dir, files):
        super().make_release_tree(base_dir, files)
        rust = Path(base_dir) / "rust"
        ignore = shutil.ignore_patterns("target", "*.orig", "*.rej", "*~")
        shutil.copytree(RUST_ROOT / "core", rust / "core", ignore=ignore)
        (rust / "include").mkdir()
        shutil.copy2(RUST_ROOT / "include" / "zinc.h", rust / "include" / "zinc.h")
        shutil.copy2(RUST_ROOT / "VERSION", rust / "VERSION")
        workspace = (RUST_ROOT / "Cargo.toml").read_text()
        workspace, n = re.subn(r"(?ms)^members\s*=\s*\[.*?\]", 'members = ["core"]', workspace)
        if n != 1:
            sys.exit("zinc-shm sdist: no `members = [...]` in the workspace Cargo.toml")
        (rust / "Cargo.toml").write_text(workspace)
        shutil.copy2(RUST_ROOT / "Cargo.lock", rust / "Cargo.lock")
        # Let cargo drop the lock entries of the members left behind (versions stay pinned).
        subprocess.run(
            [os.environ.get("CARGO", "cargo"), "metadata", "--offline", "--format-version=1"],
            cwd=str(rust),
            check=True,
            stdout=subprocess.DEVNULL,
        )


class PlatformWheel(bdist_wheel):
    """py3-none-<platform>: the library is loaded by cffi's ABI mode, not the CPython ABI."""

    def get_tag(self):
        return ("py3", "none", super().get_tag()[2])


setup(
    version=(RUST_ROOT / "VERSION").read_text().strip(),
    rust_extensions=[
        RustExtension("zinc.libzinc_core", MANIFEST, binding=Binding.NoBinding, args=CARGO_ARGS)
    ],
    cmdclass={
        "build_rust": BuildCore,
        "build_py": BuildPy,
        "sdist": SdistWithRust,
        "bdist_wheel": PlatformWheel,
    },
)
