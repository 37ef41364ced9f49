# Publishes BabySea Appliance for the OS this runs on, into dist/<rid>.
# Native AOT needs the host OS's native toolchain (Windows: Visual Studio C++ build tools; macOS: Xcode command
# line tools; Linux: clang). Where AOT cannot build, this falls back to a self-contained, single-file, trimmed
# build of the same app (JIT: slower start, about twice the memory), and says so.
param([string]$Runtime = "")
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
dotnet publish $project -c Release -r $Runtime -o $out -p:PublishAot=true -p:TrimmerSingleWarn=false -p:TreatWarningsAsErrors=false
if ($LASTEXITCODE -ne 0) {
    Write-Warning "Native AOT is not available on this host for $Runtime; publishing a self-contained single-file build instead."
    dotnet publish $project -c Release -r $Runtime -o $out --self-contained -p:PublishAot=false -p:PublishSingleFile=true `
        -p:PublishTrimmed=true -p:EnableCompressionInSingleFile=true -p:TreatWarningsAsErrors=false
    if ($LASTEXITCODE -ne 0) { throw "publish failed" }
}
Get-ChildItem $out -Filter *.dbg | Remove-Item -Force
Get-ChildItem $out -Filter *.staticwebassets.endpoints.json | Remove-Item -Force
Write-Host "published $out"
