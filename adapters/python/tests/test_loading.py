"""Packaging: `pip install adapters/python` into a clean venv carries the core; ZINC_LIB wins."""

import os
import subprocess
import sys
import textwrap

import pytest

from conftest import PKG_ROOT, REPO, SRC

SMOKE = textwrap.dedent("""
    import os, sys, zinc
    name = sys.argv[1]
    print("LIB", zinc.LIBRARY_PATH)
    with zinc.SharedRegion.create(name, 8192) as r, zinc.SharedRegion.open(name) as o:
        r.as_buffer()[:3] = b"abc"
        r.notify()
        assert o.wait(1000) and bytes(o.as_buffer()[:3]) == b"abc"
    try:
        zinc.SharedRegion.open(name)
    except FileNotFoundError:
        print("OK")
""")


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items()
           if k not in ("ZINC_LIB", "PYTHONPATH", "LD_LIBRARY_PATH", "VIRTUAL_ENV",
                        "PYTHONHOME")}
    env.update(extra)
    return env


def test_pip_install_into_clean_venv(tmp_path, name):
    venv = tmp_path / "venv"
    base_python = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base_python, "-m", "venv", str(venv)], check=True, env=clean_env(),
                   timeout=300)
    vpy = str(venv / "bin" / "python")
    proc = subprocess.run([vpy, "-m", "pip", "install", "--quiet", str(PKG_ROOT)],
                          env=clean_env(), capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # run from an empty directory so nothing from the source tree can be picked up
    run = subprocess.run([vpy, "-c", SMOKE, name], cwd=str(tmp_path), env=clean_env(),
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.split("\n")
    lib = lines[0].split(" ", 1)[1]
    assert lib.startswith(str(venv)) and lib.endswith("zinc/libzinc_core.so"), lib
    assert lines[1] == "OK"
    # type information ships with the package
    site = subprocess.run([vpy, "-c", "import zinc, os; print(os.path.dirname(zinc.__file__))"],
                          cwd=str(tmp_path), env=clean_env(), capture_output=True, text=True)
    assert os.path.isfile(os.path.join(site.stdout.strip(), "py.typed"))
    # ZINC_LIB overrides the bundled copy
    built = str(REPO / "target" / "release" / "libzinc_core.so")
    run = subprocess.run([vpy, "-c", SMOKE, name], cwd=str(tmp_path),
                         env=clean_env(ZINC_LIB=built), capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split("\n")[0] == f"LIB {built}"


def test_zinc_lib_override_and_bad_value(tmp_path):
    code = "import zinc; print(zinc.LIBRARY_PATH)"
    built = str(REPO / "target" / "release" / "libzinc_core.so")
    env = clean_env(PYTHONPATH=str(SRC), ZINC_LIB=built)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         cwd=str(tmp_path), timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == built, out.stderr
    env["ZINC_LIB"] = str(tmp_path / "nope.so")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         cwd=str(tmp_path), timeout=60)
    assert out.returncode != 0
    assert "ImportError" in out.stderr and "ZINC_LIB" in out.stderr and "nope.so" in out.stderr


def test_source_checkout_fallback_without_zinc_lib(tmp_path):
    """Without ZINC_LIB and without a bundled copy, the checkout's target/release is used."""
    if (SRC / "zinc" / "libzinc_core.so").exists():
        pytest.skip("a bundled library sits in the source tree")
    env = clean_env(PYTHONPATH=str(SRC))
    out = subprocess.run([sys.executable, "-c", "import zinc; print(zinc.LIBRARY_PATH)"],
                         env=env, capture_output=True, text=True, cwd=str(tmp_path), timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(REPO / "target" / "release" / "libzinc_core.so")
