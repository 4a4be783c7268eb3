; Inno Setup 6 script (UTF-8 with BOM, CRLF: the accents of the French messages): the Windows installer of Transit Centre.
;
; Packs the PyInstaller folder (dist\TransitCentre) into one setup program that installs for the
; current user only (no administrator rights: centre laptops are often locked down), into
; %LOCALAPPDATA%\Programs\Transit Centre, with a Start-menu shortcut, an optional desktop icon
; and an uninstaller. The installer speaks French or English.
;
; Built by `python packaging/build.py --installer` (or by hand, from the repository root):
;   iscc /DAppVersion=0.1.0 /DSourceDir=dist\TransitCentre /Odist packaging\installer.iss
;
; Uninstalling removes the program, never the data: the database, backups and logs stay in
; %LOCALAPPDATA%\IOM Mali\TransitCentre (or the folder chosen in the welcome wizard).
;
; Upgrading removes the previous version's _internal folder before copying (see [InstallDelete]);
; the data, config.json and the settings (registry, HKCU\Software\IOM Mali) are never touched.
;
; Signing: when a certificate is configured, build.py adds /DSignTool=tcsign and
; /Stcsign=<signtool command>; Inno Setup then signs the setup program and the uninstaller.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\dist\TransitCentre"
#endif
#define AppName "Transit Centre"
#define AppExe "TransitCentre.exe"

[Setup]
; A fixed AppId: upgrades replace the previous version instead of installing beside it.
AppId={{5B8E2C47-3F1D-4C1B-9A7E-6D2F0B9C1A34}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=IOM Mali
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName}
; {autopf} is %LOCALAPPDATA%\Programs for a per-user install (the default), Program Files if an
; administrator chooses "install for all users" in the first dialog.
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputBaseFilename=TransitCentre-{#AppVersion}-setup
SetupIconFile=..\resources\icons\transit-centre.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName} {#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=auto
CloseApplications=yes
#ifdef SignTool
SignTool={#SignTool}
SignedUninstaller=yes
#endif

[Languages]
Name: "french"; MessagesFile: "compiler:Languages\French.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
french.DesktopIcon=Créer une icône sur le Bureau
french.Launch=Démarrer Transit Centre
english.DesktopIcon=Create a desktop icon
english.Launch=Start Transit Centre

[Tasks]
Name: "desktopicon"; Description: "{cm:DesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade first removes the previous version's Python, Qt and plugins: Qt loads every plugin
; it finds, so an old PySide6 plugin left beside the new ones can crash the new version. Only
; the program's own folder is cleaned; the data and settings live elsewhere (see the top).
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:Launch}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Python byte-code caches written next to the program; the user's data lives elsewhere.
Type: filesandordirs; Name: "{app}\_internal\__pycache__"
