"""How the core library is found (docs/ADAPTER_CONTRACT.md section 2), the header-made cdef,
and the version. Installing the wheel and the sdist is tested by tests/dist/python.sh."""

import os
import re
import shutil
import subprocess
import sys

from conftest import PKG_ROOT, REPO, SRC

import zinc

BUILT = str(REPO / "target" / "release" / "libzinc_core.so")
SHOW = "import zinc; print(zinc.LIBRARY_PATH)"


def run(code, cwd, pythonpath=SRC, **env_extra):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("ZINC_LIB", "PYTHONPATH", "LD_LIBRARY_PATH", "VIRTUAL_ENV")
    }
    env.update(PYTHONPATH=str(pythonpath), **env_extra)
    return subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        cwd=str(cwd),
        timeout=60,
    )


def packaged_copy(tmp_path):
    """A copy of the zinc package with the library inside, as the wheel installs it."""
    site = tmp_path / "site"
    shutil.copytree(SRC / "zinc", site / "zinc")
    shutil.copy(REPO / "include" / "zinc.h", site / "zinc" / "zinc.h")
    shutil.copy(BUILT, site / "zinc" / "libzinc_core.so")
    return site


def test_zinc_lib_wins_and_is_used_alone(tmp_path):
    site = packaged_copy(tmp_path)
    out = run(SHOW, tmp_path, site, ZINC_LIB=BUILT)
    assert out.returncode == 0 and out.stdout.strip() == BUILT, out.stderr
    missing = str(tmp_path / "nope.so")
    out = run(SHOW, tmp_path, site, ZINC_LIB=missing)  # no fallback to the packaged copy
    assert out.returncode != 0
    assert "ImportError: zinc: cannot load libzinc_core.so from ZINC_LIB=" + missing in out.stderr
    assert "nothing else was tried" in out.stderr


def test_packaged_copy_before_the_system_loader(tmp_path):
    site = packaged_copy(tmp_path)
    other = tmp_path / "syslib"
    other.mkdir()
    shutil.copy(BUILT, other / "libzinc_core.so.0")
    out = run(SHOW, tmp_path, site, LD_LIBRARY_PATH=str(other))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(site / "zinc" / "libzinc_core.so")


def test_system_loader_by_soname(tmp_path):
    libdir = tmp_path / "lib"
    libdir.mkdir()
    shutil.copy(BUILT, libdir / "libzinc_core.so.0")
    out = run(SHOW, tmp_path, LD_LIBRARY_PATH=str(libdir))
    assert out.returncode == 0 and out.stdout.strip() == "libzinc_core.so.0", out.stderr


def test_nothing_found_lists_every_place_and_never_uses_cwd(tmp_path):
    shutil.copy(BUILT, tmp_path / "libzinc_core.so")  # in the working directory: must be ignored
    shutil.copy(BUILT, tmp_path / "libzinc_core.so.0")
    out = run(SHOW, tmp_path)
    assert out.returncode != 0, out.stdout
    err = out.stderr
    assert "ImportError: zinc: cannot load libzinc_core.so; tried, in order:" in err
    tried = err[err.index("tried, in order:") :].splitlines()[1:5]
    assert tried[0].strip() == "ZINC_LIB: not set"
    assert tried[1].strip().startswith(f"package: {SRC / 'zinc' / 'libzinc_core.so'}")
    assert tried[2].strip().startswith("system loader: libzinc_core.so.0")
    assert tried[3].strip().startswith("system loader: libzinc_core.so ")


def test_cdef_and_constants_come_from_the_header():
    header = (REPO / "include" / "zinc.h").read_text()
    defines = dict(re.findall(r"#define (ZINC_\w+) (\S+)", header))
    cdef, names = zinc._ffi.cdef_from_header(header)
    assert names == list(defines)
    assert re.findall(r"^[\w ]+\**(zinc_\w+)\(", header, re.M) == zinc._ffi.FUNCTIONS
    assert len(zinc._ffi.FUNCTIONS) == 8
    for name, value in defines.items():
        want = 0xFFFFFFFF if value == "UINT32_MAX" else int(value)
        assert getattr(zinc, name) == want == zinc._ffi.CONSTANTS[name], name
    assert set(n for n in zinc.__all__ if n.startswith("ZINC_")) == set(defines)
    assert zinc.WAIT_FOREVER == zinc.ZINC_WAIT_FOREVER


def test_version_is_the_repository_version():
    assert zinc.__version__ == (REPO / "VERSION").read_text().strip()
    assert "version" in (PKG_ROOT / "pyproject.toml").read_text()  # dynamic, from VERSION
