"""Build the one-folder application with PyInstaller, check it, and (on Windows) the installer.

    python packaging/build.py              # PyInstaller build into dist/TransitCentre, then checks
    python packaging/build.py --installer  # also the Inno Setup installer (Windows, iscc on PATH)
    python packaging/build.py --no-smoke   # skip the smoke run
    python packaging/build.py --installer --require-signature   # a release: refuse to build unsigned

The checks run the built ``transit-centre version`` (must print this version) and
``transit-centre smoke`` (offscreen: demo database, every screen once). Any failure exits
non-zero, so CI stops on a broken spec. Works the same on Windows and Linux; needs
``pip install . pyinstaller`` in the Python running it.

Code signing (Windows, SignTool from the Windows SDK) happens when a certificate is configured
in the environment; without one the build is unsigned (fine for testing, but SmartScreen warns
and managed laptops may block the program):

    TC_SIGN_PFX            the certificate and its private key, a .pfx file
    TC_SIGN_PASSWORD       the .pfx file's password
    TC_SIGN_THUMBPRINT     or: the SHA-1 thumbprint of a certificate in the Windows certificate
                           store (a hardware token, an EV certificate)
    TC_SIGN_TIMESTAMP_URL  RFC 3161 timestamp server (default: DigiCert's), so that signatures
                           stay valid after the certificate expires
    TC_SIGNTOOL            signtool.exe, when it is neither on PATH nor in the Windows 10/11 SDK

The two executables are signed right after PyInstaller (the checks then run the signed files);
Inno Setup signs the setup program and its uninstaller.
"""
from __future__ import annotations

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "transit_centre.spec"
ISS = ROOT / "packaging" / "installer.iss"
DEFAULT_TIMESTAMP_URL = "http://timestamp.digicert.com"
INNO_SIGN_TOOL = "tcsign"  # the name installer.iss's SignTool= refers to


def version() -> str:
    text = (ROOT / "transit_centre" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'__version__\s*=\s*"([^"]+)"', text)
    if not match:
        raise SystemExit("no __version__ in transit_centre/__init__.py")
    return match.group(1)


def run(cmd: list[str], secret: str | None = None, **kwargs) -> subprocess.CompletedProcess:  # noqa: ANN003
    shown = " ".join(str(c) for c in cmd)
    if secret:  # the .pfx password: never in the log (also as written for Inno Setup, "$" doubled)
        for hidden in (secret.replace("$", "$$"), secret):
            shown = shown.replace(hidden, "***")
    print("+", shown, flush=True)
    return subprocess.run(cmd, check=True, **kwargs)


# --- code signing -------------------------------------------------------------------------------

def find_signtool(env: Mapping[str, str]) -> str | None:
    """TC_SIGNTOOL, else signtool on PATH, else the newest Windows SDK's x64 signtool.exe."""
    if env.get("TC_SIGNTOOL"):
        return env["TC_SIGNTOOL"]
    found = shutil.which("signtool")
    if found:
        return found
    kits = Path(os.environ.get("ProgramFiles(x86)", r"C:\Program Files (x86)")) / "Windows Kits" / "10" / "bin"
    candidates = glob.glob(str(kits / "*" / "x64" / "signtool.exe"))

    def sdk_version(path: str) -> tuple[int, ...]:
        name = Path(path).parent.parent.name
        return tuple(int(p) for p in name.split(".") if p.isdigit())

    return max(candidates, key=sdk_version) if candidates else None


class Signing(NamedTuple):  # not a dataclass: tests load this file without registering it as a module
    signtool: str
    pfx: str | None = None
    password: str | None = None
    thumbprint: str | None = None
    timestamp_url: str = DEFAULT_TIMESTAMP_URL

    def _arguments(self) -> list[str]:
        certificate = ["/sha1", self.thumbprint] if self.thumbprint else ["/f", str(self.pfx)]
        if not self.thumbprint and self.password:
            certificate += ["/p", self.password]
        return ["sign", "/fd", "SHA256", "/tr", self.timestamp_url, "/td", "SHA256", "/d", "Transit Centre",
                *certificate]

    def command(self, files: list[Path]) -> list[str]:
        """SignTool's command line signing ``files`` (SHA-256, timestamped)."""
        return [self.signtool, *self._arguments(), *(str(f) for f in files)]

    def inno_definition(self) -> str:
        """ISCC's ``/S<name>=<command>``. In it Inno Setup replaces ``$f`` by the file to sign, ``$q``
        by a double quote and ``$$`` by a dollar: every value is quoted that way."""
        def quoted(value: str) -> str:
            return "$q" + value.replace("$", "$$") + "$q"

        return f"/S{INNO_SIGN_TOOL}=" + " ".join([quoted(self.signtool), *map(quoted, self._arguments()), "$f"])


def signing_from_env(env: Mapping[str, str]) -> Signing | None:
    """The signing configured in the environment, or None (an unsigned build)."""
    pfx, thumbprint = env.get("TC_SIGN_PFX", "").strip(), env.get("TC_SIGN_THUMBPRINT", "").strip()
    if not pfx and not thumbprint:
        return None
    if pfx and not Path(pfx).is_file():
        raise SystemExit(f"TC_SIGN_PFX: no certificate file {pfx}")
    signtool = find_signtool(env)
    if signtool is None:
        raise SystemExit("a certificate is configured but signtool.exe was not found "
                         "(install the Windows SDK or set TC_SIGNTOOL)")
    return Signing(signtool, pfx or None, env.get("TC_SIGN_PASSWORD") or None, thumbprint or None,
                   env.get("TC_SIGN_TIMESTAMP_URL", "").strip() or DEFAULT_TIMESTAMP_URL)


def executables(app: Path) -> list[Path]:
    suffix = ".exe" if os.name == "nt" else ""
    return [app / f"TransitCentre{suffix}", app / f"transit-centre{suffix}"]


def sign(files: list[Path], signing: Signing) -> None:
    run(signing.command(files), secret=signing.password)


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


def installer(app: Path, output: Path, signing: Signing | None = None) -> Path:
    iscc = shutil.which("iscc") or shutil.which("ISCC")
    default = Path(os.environ.get("ProgramFiles(x86)", r"C:\Program Files (x86)")) / "Inno Setup 6" / "ISCC.exe"
    if iscc is None and default.exists():
        iscc = str(default)
    if iscc is None:
        raise SystemExit("Inno Setup's iscc was not found (install Inno Setup 6 or put iscc on PATH)")
    output.mkdir(parents=True, exist_ok=True)
    run(iscc_command(iscc, app, output, signing), secret=signing.password if signing else None)
    return output / f"TransitCentre-{version()}-setup.exe"


def iscc_command(iscc: str, app: Path, output: Path, signing: Signing | None) -> list[str]:
    command = [iscc, f"/DAppVersion={version()}", f"/DSourceDir={app}", f"/O{output}"]
    if signing is not None:
        command += [f"/DSignTool={INNO_SIGN_TOOL}", signing.inno_definition()]
    return command + [str(ISS)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder (default dist/)")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller", help="PyInstaller work folder")
    parser.add_argument("--no-smoke", action="store_true", help="only check the version, no smoke run")
    parser.add_argument("--check-only", action="store_true", help="check an existing build, do not rebuild")
    parser.add_argument("--installer", action="store_true", help="also build the Windows installer (Inno Setup)")
    parser.add_argument("--require-signature", action="store_true",
                        help="fail when no signing certificate is configured (release builds)")
    args = parser.parse_args(argv)
    signing = signing_from_env(os.environ) if os.name == "nt" or args.require_signature else None
    if signing is None:
        if args.require_signature:
            raise SystemExit("--require-signature: set TC_SIGN_PFX (and TC_SIGN_PASSWORD) or TC_SIGN_THUMBPRINT")
        if os.name == "nt":
            print("no signing certificate configured: an unsigned build (SmartScreen will warn)", flush=True)
    app = args.dist / "TransitCentre" if args.check_only else build(args.dist, args.work)
    if signing is not None and not args.check_only:
        sign(executables(app), signing)
    check(app, smoke=not args.no_smoke)
    if args.installer:
        print(f"installer: {installer(app, args.dist, signing)}")
    print(f"OK: {app}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
