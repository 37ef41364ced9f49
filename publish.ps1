# Publishes BabySea Appliance for the OS this runs on, into dist/<rid>.
# Native AOT needs the host OS's native toolchain (Windows: Visual Studio C++ build tools; macOS: Xcode command
# line tools; Linux: clang). Where AOT cannot build, this falls back to a self-contained, single-file, trimmed
# build of the same app (JIT: slower start, about twice the memory), and says so.
# -Archive also packs dist/babysea-appliance-<version>-<rid>.tar.gz and rewrites dist/SHA256SUMS, as publish.sh does;
# -Version sets the version (default: the project's Version property).
param([string]$Runtime = "", [switch]$Archive, [string]$Version = "")
$ErrorActionPreference = "Stop"
Set-Location $PSScriptRoot

if (-not $Runtime) {
    $arch = [System.Runtime.InteropServices.RuntimeInformation]::OSArchitecture.ToString().ToLowerInvariant()
    if ($IsWindows) { $os = "win" } elseif ($IsMacOS) { $os = "osx" } else { $os = "linux" }
    $Runtime = "$os-$arch"
}
$out = "dist/$Runtime"
if (Test-Path $out) { Remove-Item -Recurse -Force $out }

$project = "BabySea.Appliance/BabySea.Appliance.csproj"
if (-not $Version) { $Version = "$(dotnet msbuild $project -getProperty:Version)".Trim() }
dotnet publish $project -c Release -r $Runtime -o $out -p:Version=$Version -p:PublishAot=true -p:TrimmerSingleWarn=false -p:TreatWarningsAsErrors=false
if ($LASTEXITCODE -ne 0) {
    Write-Warning "Native AOT is not available on this host for $Runtime; publishing a self-contained single-file build instead."
    dotnet publish $project -c Release -r $Runtime -o $out -p:Version=$Version --self-contained -p:PublishAot=false -p:PublishSingleFile=true `
        -p:PublishTrimmed=true -p:EnableCompressionInSingleFile=true -p:TreatWarningsAsErrors=false
    if ($LASTEXITCODE -ne 0) { throw "publish failed" }
}
Get-ChildItem $out -Filter *.dbg | Remove-Item -Force
Get-ChildItem $out -Filter *.staticwebassets.endpoints.json | Remove-Item -Force
Write-Host "published $out ($Version)"

if ($Archive) {
    $name = "babysea-appliance-$Version-$Runtime"
    $staging = Join-Path ([System.IO.Path]::GetTempPath()) ([System.Guid]::NewGuid().ToString("N"))
    New-Item -ItemType Directory -Path $staging | Out-Null
    Copy-Item -Recurse $out (Join-Path $staging $name)
    # tar ships with Windows 10 and later, macOS and Linux; one format for every OS keeps the install notes one.
    tar -czf "dist/$name.tar.gz" -C $staging $name
    if ($LASTEXITCODE -ne 0) { throw "tar failed" }
    Remove-Item -Recurse -Force $staging
    # The format sha256sum -c reads: lowercase hash, two spaces, name, LF line ends.
    $sums = Get-ChildItem dist -Filter "babysea-appliance-*.tar.gz" | Sort-Object Name |
        ForEach-Object { "$((Get-FileHash $_.FullName -Algorithm SHA256).Hash.ToLowerInvariant())  $($_.Name)" }
    [System.IO.File]::WriteAllText((Join-Path $PSScriptRoot "dist/SHA256SUMS"), (($sums -join "`n") + "`n"))
    Write-Host "archived dist/$name.tar.gz; checksums in dist/SHA256SUMS"
}
