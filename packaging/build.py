"""Build the one-folder application with PyInstaller, check it, and (on Windows) the installer.

    python packaging/build.py              # PyInstaller build into dist/TransitCentre, then checks
    python packaging/build.py --installer  # also the Inno Setup installer (Windows, iscc on PATH)
    python packaging/build.py --no-smoke   # skip the smoke run

The checks run the built ``transit-centre version`` (must print this version) and
``transit-centre smoke`` (offscreen: demo database, every screen once). Any failure exits
non-zero, so CI stops on a broken spec. Works the same on Windows and Linux; needs
``pip install . pyinstaller`` in the Python running it.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "transit_centre.spec"
ISS = ROOT / "packaging" / "installer.iss"


def version() -> str:
    text = (ROOT / "transit_centre" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'__version__\s*=\s*"([^"]+)"', text)
    if not match:
        raise SystemExit("no __version__ in transit_centre/__init__.py")
    return match.group(1)


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:  # noqa: ANN003
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.run(cmd, check=True, **kwargs)


def build(dist: Path, work: Path) -> Path:
    started = time.monotonic()
    run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(dist), "--workpath", str(work), str(SPEC)], cwd=ROOT)
    print(f"PyInstaller build: {time.monotonic() - started:.0f} s", flush=True)
    return dist / "TransitCentre"


def check(app: Path, smoke: bool) -> None:
    exe = app / ("transit-centre.exe" if os.name == "nt" else "transit-centre")
    gui = app / ("TransitCentre.exe" if os.name == "nt" else "TransitCentre")
    for path in (exe, gui):
        if not path.exists():
            raise SystemExit(f"missing executable: {path}")
    with tempfile.TemporaryDirectory(prefix="tc-build-check-") as tmp:
        env = dict(os.environ, TRANSIT_CENTRE_DATA_DIR=tmp, QT_QPA_PLATFORM="offscreen")
        env.pop("TRANSIT_CENTRE_DATABASE_URL", None)
        answer = subprocess.run([str(exe), "version"], capture_output=True, text=True, env=env, timeout=120)
        out = answer.stdout
        print(out.strip())
        if answer.returncode != 0:
            print(answer.stderr, file=sys.stderr)
            raise SystemExit(f"the built {exe.name} version failed (exit code {answer.returncode})")
        if version() not in out:
            raise SystemExit(f"the build answers {out!r}, expected version {version()}")
        if smoke:
            started = time.monotonic()
            run([str(exe), "--lang", "en", "smoke", "--residents", "50",
                 "--screenshots", str(Path(tmp) / "screens")], env=env, timeout=600)
            print(f"smoke run: {time.monotonic() - started:.0f} s", flush=True)


def installer(app: Path, output: Path) -> Path:
    iscc = shutil.which("iscc") or shutil.which("ISCC")
    default = Path(os.environ.get("ProgramFiles(x86)", r"C:\Program Files (x86)")) / "Inno Setup 6" / "ISCC.exe"
    if iscc is None and default.exists():
        iscc = str(default)
    if iscc is None:
        raise SystemExit("Inno Setup's iscc was not found (install Inno Setup 6 or put iscc on PATH)")
    output.mkdir(parents=True, exist_ok=True)
    run([iscc, f"/DAppVersion={version()}", f"/DSourceDir={app}", f"/O{output}", str(ISS)])
    return output / f"TransitCentre-{version()}-setup.exe"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder (default dist/)")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller", help="PyInstaller work folder")
    parser.add_argument("--no-smoke", action="store_true", help="only check the version, no smoke run")
    parser.add_argument("--check-only", action="store_true", help="check an existing build, do not rebuild")
    parser.add_argument("--installer", action="store_true", help="also build the Windows installer (Inno Setup)")
    args = parser.parse_args(argv)
    app = args.dist / "TransitCentre" if args.check_only else build(args.dist, args.work)
    check(app, smoke=not args.no_smoke)
    if args.installer:
        print(f"installer: {installer(app, args.dist)}")
    print(f"OK: {app}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
