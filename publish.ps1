# Publishes BabySea Appliance into dist/<rid>, for the OS this runs on unless -Runtime names others of that OS
# (-Runtime linux-x64,linux-arm64). Native AOT needs the host OS's native toolchain (Windows: Visual Studio C++ build
# tools; macOS: Xcode command line tools; Linux: clang, plus the arm64 cross toolchain for linux-arm64 on x64, see
# publish.sh). Where AOT cannot build, this falls back to a self-contained, single-file, trimmed build of the same app
# (JIT: slower start, about twice the memory), and says so. Like publish.sh, it fails on any trim/AOT warning that is
# not LiteDB's own.
# -Archive also packs dist/babysea-appliance-<version>-<rid>.tar.gz per runtime and rewrites dist/SHA256SUMS, as
# publish.sh does; -Version sets the version (default: the project's <Version>).
param([string[]]$Runtime = @(), [switch]$Archive, [string]$Version = "")
$ErrorActionPreference = "Stop"
Set-Location $PSScriptRoot

$project = "BabySea.Appliance/BabySea.Appliance.csproj"
if (-not $Runtime) {
    $arch = [System.Runtime.InteropServices.RuntimeInformation]::OSArchitecture.ToString().ToLowerInvariant()
    if ($IsWindows) { $os = "win" } elseif ($IsMacOS) { $os = "osx" } else { $os = "linux" }
    $Runtime = @("$os-$arch")
}
if ($Version) {
    # It names the archive and goes into the binary, so only a plain version (1.2.3, 1.2.3-rc.1) is taken.
    if ($Version -notmatch '^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$') { throw "-Version '$Version' is not a version like 1.2.3 or 1.2.3-rc.1" }
} else {
    $Version = ([xml](Get-Content $project)).Project.PropertyGroup.Version | Where-Object { $_ } | Select-Object -First 1
}

function Publish-Runtime([string]$rid) {
    $out = "dist/$rid"
    if (Test-Path $out) { Remove-Item -Recurse -Force $out }
    $extra = @()
    $hostArch = [System.Runtime.InteropServices.RuntimeInformation]::OSArchitecture.ToString().ToLowerInvariant()
    # Cross-compiling to arm64 on Linux links with clang for aarch64 (the packages publish.sh names).
    if ($rid -eq "linux-arm64" -and $IsLinux -and $hostArch -ne "arm64") { $extra = @("-p:LinkerFlavor=lld", "-p:ObjCopyName=aarch64-linux-gnu-objcopy") }
    dotnet publish $project -c Release -r $rid -o $out -p:Version=$Version @extra -p:PublishAot=true -p:TrimmerSingleWarn=false `
        -p:TreatWarningsAsErrors=false 2>&1 | Tee-Object -Variable log | Out-Host
    if ($LASTEXITCODE -ne 0) {
        Write-Warning "Native AOT is not available on this host for $rid; publishing a self-contained single-file build instead."
        dotnet publish $project -c Release -r $rid -o $out -p:Version=$Version --self-contained -p:PublishAot=false -p:PublishSingleFile=true `
            -p:PublishTrimmed=true -p:EnableCompressionInSingleFile=true -p:TrimmerSingleWarn=false -p:TreatWarningsAsErrors=false 2>&1 |
            Tee-Object -Variable log | Out-Host
        if ($LASTEXITCODE -ne 0) { throw "publishing $rid failed (errors above)" }
    }
    # LiteDB 5 carries no trimming annotations; its own IL warnings are known and harmless with BsonDocument mapping.
    $foreign = $log | ForEach-Object { "$_" } | Where-Object { $_ -match 'warning IL[0-9]+' -and $_ -notmatch 'LiteDB' } | Sort-Object -Unique
    if ($foreign) { $foreign | Write-Host; throw "trim/AOT warnings outside LiteDB (above) must be fixed" }
    Get-ChildItem $out -Filter *.dbg | Remove-Item -Force
    Get-ChildItem $out -Filter *.staticwebassets.endpoints.json | Remove-Item -Force
    Write-Host "published $out ($Version)"
}

function Pack-Runtime([string]$rid) {
    $name = "babysea-appliance-$Version-$rid"
    $staging = Join-Path ([System.IO.Path]::GetTempPath()) ([System.Guid]::NewGuid().ToString("N"))
    New-Item -ItemType Directory -Path $staging | Out-Null
    Copy-Item -Recurse "dist/$rid" (Join-Path $staging $name)
    # tar ships with Windows 10 and later, macOS and Linux; one format for every OS keeps the install notes one.
    tar -czf "dist/$name.tar.gz" -C $staging $name
    if ($LASTEXITCODE -ne 0) { throw "tar failed" }
    Remove-Item -Recurse -Force $staging
    Write-Host "archived dist/$name.tar.gz"
}

foreach ($rid in $Runtime) {
    Publish-Runtime $rid
    if ($Archive) { Pack-Runtime $rid }
}
if ($Archive) {
    # The format sha256sum -c reads: lowercase hash, two spaces, name, LF line ends.
    $sums = Get-ChildItem dist -Filter "babysea-appliance-*.tar.gz" | Sort-Object Name |
        ForEach-Object { "$((Get-FileHash $_.FullName -Algorithm SHA256).Hash.ToLowerInvariant())  $($_.Name)" }
    [System.IO.File]::WriteAllText((Join-Path $PSScriptRoot "dist/SHA256SUMS"), (($sums -join "`n") + "`n"))
    Write-Host "checksums of every archive in dist/SHA256SUMS"
}
