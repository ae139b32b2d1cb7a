"""The PEP 517 build backend of the Python package: maturin, with its uniffi-bindgen.

maturin (`bindings = "uniffi"`) generates the Python module by running `uniffi-bindgen`
from PATH, and that generator must be built from the same uniffi version as the library
(uniffi checks both sides' contract version). So before maturin runs, this backend builds
the workspace's own generator (`acp-uniffi-bindgen`, bindings/uniffi) with cargo and puts
it first on PATH as `uniffi-bindgen`. That is what makes `pip install ./python` and
`pip install unionpay_acp-X.tar.gz` work with nothing but Rust and pip.

Everything else is maturin's: each hook below is maturin's own, run with that PATH.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable

import maturin

_PROJECT = Path(__file__).resolve().parent.parent  # python/, or the unpacked sdist


def _manifest_path() -> Path:
    """tool.maturin.manifest-path of pyproject.toml (read without tomllib: Python 3.10)."""
    text = (_PROJECT / "pyproject.toml").read_text(encoding="utf-8")
    found = re.search(r'^manifest-path\s*=\s*"([^"]+)"', text, re.M)
    if not found:
        raise RuntimeError("pyproject.toml: tool.maturin.manifest-path is missing")
    return (_PROJECT / found.group(1)).resolve()


def _build_bindgen() -> Path:
    """Builds acp-uniffi-bindgen for this machine (cargo) and returns the executable."""
    env = dict(os.environ)
    # A cross build's target must not apply to the generator, which runs here.
    env.pop("CARGO_BUILD_TARGET", None)
    command = [
        "cargo", "build", "--release", "--message-format=json-render-diagnostics",
        "-p", "acp-uniffi", "--bin", "acp-uniffi-bindgen",
        "--manifest-path", str(_manifest_path()),
    ]
    print("unionpay-acp: building uniffi-bindgen (cargo build -p acp-uniffi --bin acp-uniffi-bindgen)",
          file=sys.stderr, flush=True)
    done = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True, check=True)
    for line in done.stdout.splitlines():
        message = json.loads(line)
        if message.get("reason") == "compiler-artifact" and message.get("executable"):
            return Path(message["executable"])
    raise RuntimeError("cargo built no acp-uniffi-bindgen executable")


def _with_bindgen(hook: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        bindgen = _build_bindgen()
        with tempfile.TemporaryDirectory(prefix="acp-bindgen-") as bin_dir:
            name = "uniffi-bindgen" + (".exe" if os.name == "nt" else "")
            shutil.copy2(bindgen, Path(bin_dir) / name)
            old_path = os.environ.get("PATH", "")
            os.environ["PATH"] = bin_dir + os.pathsep + old_path
            try:
                return hook(*args, **kwargs)
            finally:
                os.environ["PATH"] = old_path

    run.__name__ = hook.__name__
    run.__doc__ = hook.__doc__
    return run


build_wheel = _with_bindgen(maturin.build_wheel)
build_editable = _with_bindgen(maturin.build_editable)
build_sdist = maturin.build_sdist
get_requires_for_build_wheel = maturin.get_requires_for_build_wheel
get_requires_for_build_sdist = maturin.get_requires_for_build_sdist
get_requires_for_build_editable = maturin.get_requires_for_build_editable
prepare_metadata_for_build_wheel = maturin.prepare_metadata_for_build_wheel
prepare_metadata_for_build_editable = maturin.prepare_metadata_for_build_editable
