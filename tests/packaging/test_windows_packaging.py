"""The Windows installer script, the signing in the build, the Windows CI job and README's
PowerShell command, read as files (building them needs Windows: the CI job does it)."""
from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ISS = ROOT / "packaging" / "installer.iss"
WORKFLOW = ROOT / ".github" / "workflows" / "windows-build.yml"
README = ROOT / "README.md"


def _build_module():
    spec = importlib.util.spec_from_file_location("tc_packaging_build", ROOT / "packaging" / "build.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def _sections(text: str) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        stripped = line.strip()
        match = re.fullmatch(r"\[(\w+)\]", stripped)
        if match:
            current = match.group(1)
            sections.setdefault(current, [])
        elif current and stripped and not stripped.startswith((";", "#")):
            sections[current].append(stripped)
    return sections


# --- installer.iss ----------------------------------------------------------------------------------

def test_installer_script_keeps_its_encoding_for_the_french_messages():
    raw = ISS.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")


def test_upgrade_removes_the_previous_internal_folder_and_nothing_of_the_user():
    text = ISS.read_text(encoding="utf-8-sig")
    sections = _sections(text)
    assert {"Setup", "Languages", "Tasks", "InstallDelete", "Files", "Icons", "Run", "UninstallDelete"} <= set(sections)
    assert sections["InstallDelete"] == ['Type: filesandordirs; Name: "{app}\\_internal"']
    # Every deletion stays inside the program folder: the data, config.json (LOCALAPPDATA) and the
    # settings (registry) are kept on upgrade and uninstall.
    for section in ("InstallDelete", "UninstallDelete"):
        for entry in sections[section]:
            name = re.search(r'Name:\s*"([^"]+)"', entry).group(1)
            assert name.startswith("{app}\\") and name != "{app}\\", entry
    assert "[Registry]" not in text and "{localappdata}" not in text.lower() and "{userappdata}" not in text.lower()
    # Same AppId as the installers already on the laptops: an upgrade, not a second installation.
    assert "AppId={{5B8E2C47-3F1D-4C1B-9A7E-6D2F0B9C1A34}" in sections["Setup"]
    assert "CloseApplications=yes" in sections["Setup"]


def test_installer_signs_itself_and_its_uninstaller_only_when_asked():
    text = ISS.read_text(encoding="utf-8-sig")
    block = re.search(r"#ifdef SignTool\s*\r?\n(.*?)#endif", text, re.S)
    assert block is not None
    assert "SignTool={#SignTool}" in block.group(1) and "SignedUninstaller=yes" in block.group(1)


# --- build.py signing -------------------------------------------------------------------------------

def test_unsigned_build_when_no_certificate_is_configured():
    build = _build_module()
    assert build.signing_from_env({}) is None
    assert "/S" not in " ".join(build.iscc_command("iscc", Path("dist/TransitCentre"), Path("dist"), None))
    with pytest.raises(SystemExit, match="require-signature"):
        build.main(["--require-signature"])


def test_a_configured_certificate_signs_the_executables_and_the_installer(tmp_path):
    build = _build_module()
    pfx = tmp_path / "signing.pfx"
    pfx.write_bytes(b"pfx")
    env = {"TC_SIGN_PFX": str(pfx), "TC_SIGN_PASSWORD": "mot $ secret", "TC_SIGNTOOL": r"C:\SDK\signtool.exe"}
    signing = build.signing_from_env(env)
    app = Path("dist") / "TransitCentre"
    command = signing.command(build.executables(app))
    assert command[:2] == [r"C:\SDK\signtool.exe", "sign"]
    assert command[command.index("/fd") + 1] == "SHA256" and command[command.index("/td") + 1] == "SHA256"
    assert command[command.index("/tr") + 1] == build.DEFAULT_TIMESTAMP_URL
    assert command[command.index("/f") + 1] == str(pfx) and command[command.index("/p") + 1] == "mot $ secret"
    assert [Path(c).stem for c in command[-2:]] == ["TransitCentre", "transit-centre"]
    iscc = build.iscc_command("iscc", app, Path("dist"), signing)
    assert "/DSignTool=tcsign" in iscc and iscc[-1].endswith("installer.iss")
    definition = next(a for a in iscc if a.startswith("/Stcsign="))
    assert definition.endswith("$f") and '"' not in definition  # quotes written $q for ISCC
    assert "$qmot $$ secret$q" in definition and f"$q{pfx}$q" in definition

    by_store = build.signing_from_env({"TC_SIGN_THUMBPRINT": "ab12", "TC_SIGNTOOL": "signtool"})
    assert by_store.command([Path("x.exe")])[-3:] == ["/sha1", "ab12", "x.exe"]
    with pytest.raises(SystemExit, match="no certificate file"):
        build.signing_from_env({"TC_SIGN_PFX": str(tmp_path / "missing.pfx"), "TC_SIGNTOOL": "signtool"})


def test_the_certificate_password_never_reaches_the_log(capsys):
    build = _build_module()
    build.run([sys.executable, "-c", "pass", "/p", "s3cr$t", "$qs3cr$$t$q"], secret="s3cr$t")
    printed = capsys.readouterr().out
    assert "s3cr" not in printed and printed.count("***") == 2


# --- the Windows CI job and README's PowerShell command ---------------------------------------------

def _powershell_test_command() -> str:
    text = README.read_text(encoding="utf-8")
    match = re.search(r"<!-- powershell-test-command -->\s*```[a-z]*\r?\n(.+?)\r?\n```", text)
    assert match, "README has no PowerShell test command"
    return match.group(1).strip()


def test_readme_gives_a_powershell_test_command_and_keeps_the_posix_ones():
    text = README.read_text(encoding="utf-8")
    assert "<!-- run-command -->\n```\npython3 -m venv .venv && .venv/bin/pip install -e . && " in text
    assert ("<!-- test-command -->\n```\npython3 -m venv .venv && .venv/bin/pip install -e \".[test]\" && "
            "QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest\n```") in text
    command = _powershell_test_command()
    assert "&&" not in command and "/bin/" not in command and "QT_QPA_PLATFORM" not in command
    assert command.startswith("py -m venv .venv;")
    assert '.venv\\Scripts\\python -m pip install -e ".[test]"' in command
    assert command.endswith("if ($?) { .venv\\Scripts\\python -m pytest }")


def test_windows_job_runs_everything_in_powershell():
    text = WORKFLOW.read_text(encoding="utf-8")
    assert "runs-on: windows-latest" in text
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    assert "bash" not in code.lower() and "\nsh " not in code
    shells = re.findall(r"^\s*shell:\s*(\S+)", text, re.M)
    assert shells and set(shells) <= {"pwsh", "powershell", "cmd"}
    assert re.search(r"defaults:\s*\n\s*run:\s*\n\s*shell: pwsh", text)
    # The whole suite, with README's own PowerShell line (so that line is known to work).
    assert "<!-- powershell-test-command -->" in text and "Invoke-Expression" in text
    assert "TRANSIT_CENTRE_TEST_DATABASE_URL" not in text  # SQLite
    # The frozen application: built and smoke-tested (console), the window started, the installer.
    assert "packaging\\build.py --installer" in text
    assert re.search(r"TransitCentre\.exe.*\n.*\"smoke\"", text)
    assert "/VERYSILENT" in text and "qstale-old-version.dll" in text
    # Signing from secrets, unsigned otherwise; the names README gives.
    readme = README.read_text(encoding="utf-8")
    for secret in ("WINDOWS_SIGNING_PFX_BASE64", "WINDOWS_SIGNING_PFX_PASSWORD"):
        assert f"secrets.{secret}" in text and secret in readme
