/**
 * Builds the data source executables into dist/datasource/ and the operator CLI into build/.
 *
 *   bun scripts/build-backend.ts          linux amd64 + arm64 (what the Grafana images need)
 *   bun scripts/build-backend.ts --all    + darwin amd64/arm64 and windows amd64
 *
 * Grafana runs `<executable>_<goos>_<goarch>` from the plugin folder with no arguments, maybe no
 * PATH, and its own working directory (docs/executable.md). On Linux that name is a small
 * `/bin/sh` launcher that execs the glibc build when the glibc loader exists, else the musl build:
 * Grafana's Alpine image carries a glibc subset on x86_64 only. Bun fetches each cross-target
 * runtime (`@oven/bun-<target>`) from the npm registry itself.
 *
 * Any failure ends the script with a non-zero status.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const DIST_DIR = path.join(ROOT, 'dist', 'datasource');
const CLI_OUT = path.join(ROOT, 'build', 'kamiwaza-logs');
const PLUGIN_ENTRY = path.join(ROOT, 'src', 'backend', 'main.ts');
const CLI_ENTRY = path.join(ROOT, 'src', 'backend', 'cli', 'main.ts');
const EXECUTABLE = 'gpx_kamiwaza_logs';

/**
 * Never strip (a stripped Bun executable loses its embedded program); never load .env or
 * bunfig.toml from Grafana's working directory; bytecode halves start-up time. Identifiers are
 * kept (no --minify-identifiers) so stack traces in Grafana's log stay readable.
 */
const COMPILE_FLAGS = [
  '--compile',
  '--no-compile-autoload-dotenv',
  '--no-compile-autoload-bunfig',
  '--bytecode',
  '--minify-syntax',
  '--minify-whitespace',
];

type Format = 'elf-x86_64' | 'elf-aarch64' | 'macho' | 'pe';

interface Binary {
  target: string;
  file: string;
  format: Format;
}

interface LinuxArch {
  goarch: 'amd64' | 'arm64';
  /** The glibc dynamic loader the glibc build names as its interpreter. */
  glibcLoader: string;
  glibc: Binary;
  musl: Binary;
}

const LINUX: LinuxArch[] = [
  {
    goarch: 'amd64',
    glibcLoader: '/lib64/ld-linux-x86-64.so.2',
    glibc: { target: 'bun-linux-x64-baseline', file: `${EXECUTABLE}_linux_amd64_glibc`, format: 'elf-x86_64' },
    musl: { target: 'bun-linux-x64-musl-baseline', file: `${EXECUTABLE}_linux_amd64_musl`, format: 'elf-x86_64' },
  },
  {
    goarch: 'arm64',
    glibcLoader: '/lib/ld-linux-aarch64.so.1',
    glibc: { target: 'bun-linux-arm64', file: `${EXECUTABLE}_linux_arm64_glibc`, format: 'elf-aarch64' },
    musl: { target: 'bun-linux-arm64-musl', file: `${EXECUTABLE}_linux_arm64_musl`, format: 'elf-aarch64' },
  },
];

const OTHER_OS: Binary[] = [
  { target: 'bun-darwin-x64', file: `${EXECUTABLE}_darwin_amd64`, format: 'macho' },
  { target: 'bun-darwin-arm64', file: `${EXECUTABLE}_darwin_arm64`, format: 'macho' },
  { target: 'bun-windows-x64-baseline', file: `${EXECUTABLE}_windows_amd64.exe`, format: 'pe' },
];

function fail(message: string): never {
  process.stderr.write(`build-backend: ${message}\n`);
  process.exit(1);
}

/** Worker threads in a compiled executable must be bundled as extra entry points. */
function workerEntrypoints(dir = path.join(ROOT, 'src', 'backend')): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      found.push(...workerEntrypoints(full));
    } else if (entry.name.endsWith('.worker.ts')) {
      found.push(full);
    }
  }
  return found.sort();
}

function compile(entry: string, outfile: string, target: string | undefined, workers: string[]): void {
  const args = [
    'build',
    ...COMPILE_FLAGS,
    ...(target ? [`--target=${target}`] : []),
    entry,
    ...workers,
    '--outfile',
    outfile,
  ];
  const started = Date.now();
  const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    fail(
      `bun ${args.join(' ')} failed (${result.error ?? `exit ${result.status}`}):\n${result.stdout}${result.stderr}`
    );
  }
  if (!fs.existsSync(outfile)) {
    fail(`bun build reported success but ${outfile} is missing`);
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `  ${path.relative(ROOT, outfile)}  ${target ?? 'host'}  ${megabytes(fs.statSync(outfile).size)}  ${seconds}s`
  );
}

/** Checks the file header, so a wrong or truncated download never ships under a platform name. */
function checkFormat(file: string, format: Format): void {
  const header = Buffer.alloc(20);
  const fd = fs.openSync(file, 'r');
  fs.readSync(fd, header, 0, header.length, 0);
  fs.closeSync(fd);
  const elfMachine = header.readUInt16LE(18);
  const ok =
    format === 'pe'
      ? header.toString('latin1', 0, 2) === 'MZ'
      : format === 'macho'
        ? header.readUInt32LE(0) === 0xfeedfacf
        : header.toString('latin1', 0, 4) === '\x7fELF' && elfMachine === (format === 'elf-x86_64' ? 62 : 183);
  if (!ok) {
    fail(`${file} is not a ${format} executable`);
  }
}

/** The memory JavaScriptCore is told the machine has (see the launcher). */
const PLUGIN_RAM_MB = 256;
/** How long mimalloc keeps freed memory before it returns it to the system (see the launcher). */
const PURGE_DELAY_MS = 100;
/** JavaScriptCore's count of runs before a function's optimized compile (see the launcher). */
const OPTIMIZE_AFTER_WARM_UP = 10_000;

/**
 * The launcher Grafana executes on Linux. It uses shell built-ins only (no PATH) and resolves
 * its folder from $0 (Grafana passes the absolute path), so neither PATH nor cwd matters.
 * `exec` keeps one process: Grafana kills only its direct child.
 */
function launcherScript(arch: Pick<LinuxArch, 'glibcLoader' | 'glibc' | 'musl'>): string {
  return `#!/bin/sh
# Grafana starts this file for ${EXECUTABLE} on Linux. It runs the glibc build where the glibc
# loader exists (glibc distributions, Grafana's Alpine image on x86_64), else the musl build.
case "$0" in
  */*) dir=\${0%/*} ;;
  *) dir=. ;;
esac
# JavaScriptCore sizes its heap for the machine: on one with 16 GB or more it lets the heap grow
# about threefold between collections. A plugin shares the host with Grafana: size it as if it
# had ${PLUGIN_RAM_MB} MB, so that it collects sooner (measured under 50 concurrent queries: peak
# RSS 265-276 MB instead of 283-316 MB, with the same latency). An environment that sets
# BUN_JSC_forceRAMSize keeps its own value.
: "\${BUN_JSC_forceRAMSize:=${PLUGIN_RAM_MB * 1024 * 1024}}"
export BUN_JSC_forceRAMSize
# mimalloc (Bun's allocator) returns freed memory to the system 10 ms after it is freed, so a
# query that follows another faults in afresh the pages the other one freed (5-10 us each in a
# virtual machine). Kept ${PURGE_DELAY_MS} ms, they serve the next queries of a dashboard: as fast
# as with 1 s, faster than with 10 ms under 50 concurrent queries, and the peak after five
# dashboards 20-30 MB lower than with 1 s (measured, see docs/executable.md). An environment that
# sets MIMALLOC_PURGE_DELAY keeps its own.
: "\${MIMALLOC_PURGE_DELAY:=${PURGE_DELAY_MS}}"
export MIMALLOC_PURGE_DELAY
# JavaScriptCore compiles a function's optimized code (its DFG tier) on compiler threads once it
# has run about 1 000 times; those threads take turns with the query's two scanning threads on a
# two-core host, and a fresh plugin's first search spent about 50 ms of CPU in them for code that
# mostly waits on native search. After ${OPTIMIZE_AFTER_WARM_UP} runs the first trace search over
# 1.8 GB took 172-175 ms instead of 190-194 ms; builds, dashboards and long scans, whose hot code
# still gets there within milliseconds, took as long (measured, see docs/executable.md). An
# environment that sets BUN_JSC_thresholdForOptimizeAfterWarmUp keeps its own.
: "\${BUN_JSC_thresholdForOptimizeAfterWarmUp:=${OPTIMIZE_AFTER_WARM_UP}}"
export BUN_JSC_thresholdForOptimizeAfterWarmUp
if [ -e ${arch.glibcLoader} ]; then
  exec "$dir/${arch.glibc.file}" "$@"
fi
# The musl build needs libstdc++ and libgcc_s (Alpine: apk add libstdc++). Say so in a line
# Grafana shows (hclog JSON at error level) rather than only in the loader's debug-level output.
if [ ! -e /usr/lib/libstdc++.so.6 ] && [ ! -e /lib/libstdc++.so.6 ] && [ ! -e /usr/local/lib/libstdc++.so.6 ]; then
  echo '{"@level":"error","@message":"${EXECUTABLE}: no glibc and no libstdc++.so.6 found; the musl build needs libstdc++ (Alpine: apk add libstdc++)"}' >&2
fi
exec "$dir/${arch.musl.file}" "$@"
`;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** The host's launcher must refuse to run outside Grafana: proves the build starts at all. */
function smokeTest(launcher: string): void {
  const result = spawnSync(launcher, [], { cwd: '/', env: {}, encoding: 'utf8', timeout: 20000 });
  if (result.status !== 1 || result.stdout !== '' || !result.stderr.includes('Grafana backend plugin')) {
    fail(
      `smoke test of ${launcher} failed: status ${result.status}, stdout ${JSON.stringify(result.stdout)}, stderr ${JSON.stringify(result.stderr)}`
    );
  }
}

function hostGoarch(): string | undefined {
  return process.arch === 'x64' ? 'amd64' : process.arch === 'arm64' ? 'arm64' : undefined;
}

function main(): void {
  const all = process.argv.includes('--all');
  const workers = workerEntrypoints();
  fs.mkdirSync(DIST_DIR, { recursive: true });
  fs.mkdirSync(path.dirname(CLI_OUT), { recursive: true });
  for (const name of fs.readdirSync(DIST_DIR)) {
    if (name.startsWith(`${EXECUTABLE}_`)) {
      fs.rmSync(path.join(DIST_DIR, name), { force: true });
    }
  }
  console.log(
    `Building ${EXECUTABLE}${workers.length ? ` with workers ${workers.map((w) => path.relative(ROOT, w)).join(', ')}` : ''}`
  );

  for (const arch of LINUX) {
    for (const binary of [arch.glibc, arch.musl]) {
      const out = path.join(DIST_DIR, binary.file);
      compile(PLUGIN_ENTRY, out, binary.target, workers);
      checkFormat(out, binary.format);
    }
    const launcher = path.join(DIST_DIR, `${EXECUTABLE}_linux_${arch.goarch}`);
    fs.writeFileSync(launcher, launcherScript(arch), { mode: 0o755 });
    fs.chmodSync(launcher, 0o755);
    console.log(`  ${path.relative(ROOT, launcher)}  launcher`);
  }
  if (all) {
    for (const binary of OTHER_OS) {
      const out = path.join(DIST_DIR, binary.file);
      compile(PLUGIN_ENTRY, out, binary.target, workers);
      checkFormat(out, binary.format);
    }
  }

  const goarch = hostGoarch();
  if (process.platform === 'linux' && goarch) {
    smokeTest(path.join(DIST_DIR, `${EXECUTABLE}_linux_${goarch}`));
    console.log(`  smoke test of the linux_${goarch} launcher passed`);
  }

  compile(CLI_ENTRY, CLI_OUT, undefined, workers);
}

main();
