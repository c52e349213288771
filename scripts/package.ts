/**
 * `npm run package`: one installable archive per Linux platform, as Grafana's plugin catalog
 * ships them:
 *
 *   kamiwaza-observability-app-<version>.linux_amd64.zip
 *   kamiwaza-observability-app-<version>.linux_arm64.zip
 *
 * Each holds dist/ under the top folder kamiwaza-observability-app/ (the layout Grafana's plugin
 * installer and loader expect: plugin.json at the root, the nested data source in datasource/)
 * with only that platform's executables (the launcher Grafana starts, `<executable>_linux_<arch>`,
 * and the glibc and musl builds it chooses from), no source maps, and a README whose platform
 * paragraph names that platform alone. Everything else in dist/ (other platforms from
 * `npm run build:all`, *.map) stays out.
 *
 *   bun scripts/package.ts [--dist DIR] [--out DIR]     (defaults: dist/, the repository root)
 *
 * Uses the `zip` command. An archive is written under a temporary name and renamed over the
 * previous one only once it is complete and checked, so a failed run leaves the last good archive
 * in place. Any failure ends with a message and exit status 1.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { ZipEntry, readZipListing } from './zipListing';

const ROOT = path.resolve(__dirname, '..');
const PLUGIN_ID = 'kamiwaza-observability-app';
const GOARCHES = ['amd64', 'arm64'] as const;
type Goarch = (typeof GOARCHES)[number];

/** The README paragraph between these markers says which platforms the archive holds. */
const PLATFORMS_START = '<!-- platforms -->';
const PLATFORMS_END = '<!-- /platforms -->';

const PLATFORM_TEXT: Record<Goarch, string> = {
  amd64:
    "This archive holds the data source's backend for **Linux on amd64 (x86_64)** only; each other platform has its own archive.",
  arm64:
    "This archive holds the data source's backend for **Linux on arm64 (aarch64)** only; each other platform has its own archive.",
};

function fail(message: string): never {
  process.stderr.write(`package: ${message}\n`);
  process.exit(1);
}

function parseArgs(argv: string[]): { dist: string; out: string } {
  const options = { dist: path.join(ROOT, 'dist'), out: ROOT };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    if ((argv[i] === '--dist' || argv[i] === '--out') && value) {
      options[argv[i] === '--dist' ? 'dist' : 'out'] = path.resolve(value);
      i++;
    } else {
      fail(`unknown argument ${argv[i]} (usage: package.ts [--dist DIR] [--out DIR])`);
    }
  }
  return options;
}

function requireZip(): void {
  const probe = spawnSync('zip', ['-v'], { encoding: 'utf8' });
  if ((probe.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    fail(
      'the `zip` command is not installed, and it writes the archives. Install it (Debian/Ubuntu: `apt-get install zip`, Alpine: `apk add zip`, Fedora: `dnf install zip`) and run `npm run package` again.'
    );
  }
  if (probe.error || probe.status !== 0) {
    fail(`\`zip -v\` failed (${probe.error ?? `exit ${probe.status}`}): ${probe.stderr}`);
  }
}

/** Every file under dir, as paths relative to it with forward slashes. */
function listFiles(dir: string, prefix = ''): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    return entry.isDirectory() ? listFiles(path.join(dir, entry.name), relative) : [relative];
  });
}

interface BackendPlugin {
  /** Folder of the plugin.json, relative to dist ('' for the root). */
  dir: string;
  executable: string;
}

function backendPlugins(dist: string, files: string[]): BackendPlugin[] {
  return files
    .filter((file) => path.posix.basename(file) === 'plugin.json')
    .map((file) => ({ file, json: JSON.parse(fs.readFileSync(path.join(dist, file), 'utf8')) }))
    .filter(({ json }) => json.backend === true && typeof json.executable === 'string')
    .map(({ file, json }) => ({ dir: path.posix.dirname(file).replace(/^\.$/, ''), executable: json.executable }));
}

/** What Grafana starts on linux/<goarch> (the launcher) and the two builds the launcher picks from. */
function platformExecutables(plugin: BackendPlugin, goarch: Goarch): string[] {
  const launcher = `${plugin.executable}_linux_${goarch}`;
  return [launcher, `${launcher}_glibc`, `${launcher}_musl`].map((name) =>
    plugin.dir ? `${plugin.dir}/${name}` : name
  );
}

function archiveFiles(files: string[], plugins: BackendPlugin[], goarch: Goarch): string[] {
  const wanted = new Set(plugins.flatMap((plugin) => platformExecutables(plugin, goarch)));
  const isExecutable = (file: string) =>
    plugins.some(
      (plugin) =>
        path.posix.dirname(file).replace(/^\.$/, '') === plugin.dir &&
        path.posix.basename(file).startsWith(`${plugin.executable}_`)
    );
  return files.filter((file) => !file.endsWith('.map') && (!isExecutable(file) || wanted.has(file)));
}

function platformReadme(readme: string, goarch: Goarch): string {
  const start = readme.indexOf(PLATFORMS_START);
  const end = readme.indexOf(PLATFORMS_END);
  if (start < 0 || end < start) {
    fail(`dist/README.md has no ${PLATFORMS_START} … ${PLATFORMS_END} paragraph to name the archive's platform`);
  }
  return `${readme.slice(0, start + PLATFORMS_START.length)}\n${PLATFORM_TEXT[goarch]}\n${readme.slice(end)}`;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** The archive as Grafana will read it: one top folder, both plugin.json files, executable x-bits. */
function checkArchive(entries: ZipEntry[], expectedFiles: string[], executables: string[]): void {
  const names = new Set(entries.map((entry) => entry.name));
  for (const entry of entries) {
    if (!entry.name.startsWith(`${PLUGIN_ID}/`)) {
      fail(`archive entry ${entry.name} is outside the top folder ${PLUGIN_ID}/`);
    }
  }
  for (const file of expectedFiles) {
    if (!names.has(`${PLUGIN_ID}/${file}`)) {
      fail(`archive lacks ${PLUGIN_ID}/${file}`);
    }
  }
  for (const file of executables) {
    const entry = entries.find((candidate) => candidate.name === `${PLUGIN_ID}/${file}`);
    if (!entry || (entry.mode & 0o111) === 0) {
      fail(`executable ${file} lost its x-bit in the archive (mode ${entry?.mode.toString(8)})`);
    }
  }
}

function writeArchive(dist: string, out: string, version: string, goarch: Goarch): void {
  const files = listFiles(dist);
  const plugins = backendPlugins(dist, files);
  if (!files.includes('plugin.json') || plugins.length === 0) {
    fail(`${dist} has no app plugin.json or no backend data source: run npm run build first`);
  }
  const executables = plugins.flatMap((plugin) => platformExecutables(plugin, goarch));
  for (const file of executables) {
    if (!files.includes(file)) {
      fail(`${path.join(dist, file)} is missing: run npm run build first`);
    }
  }
  const included = archiveFiles(files, plugins, goarch);

  const name = `${PLUGIN_ID}-${version}.linux_${goarch}.zip`;
  const target = path.join(out, name);
  const partial = path.join(out, `.${name}.${process.pid}.partial.zip`);
  // Stage the folder as symlinks to dist/ (zip stores what they point to, with its mode) instead
  // of copying ~250 MB; only the README is written, with this platform's paragraph.
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'package-'));
  try {
    for (const file of included) {
      const staged = path.join(stage, PLUGIN_ID, file);
      fs.mkdirSync(path.dirname(staged), { recursive: true });
      if (file === 'README.md') {
        fs.writeFileSync(staged, platformReadme(fs.readFileSync(path.join(dist, file), 'utf8'), goarch));
      } else {
        fs.symlinkSync(path.join(dist, file), staged);
      }
    }
    fs.rmSync(partial, { force: true });
    const zip = spawnSync('zip', ['-r', '-q', '-X', partial, PLUGIN_ID], {
      cwd: stage,
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    });
    if (zip.error || zip.status !== 0) {
      fail(`zip failed for ${name} (${zip.error ?? `exit ${zip.status}`}): ${zip.stdout}${zip.stderr}`);
    }
    const entries = readZipListing(partial);
    checkArchive(entries, included, executables);
    fs.renameSync(partial, target);

    console.log(`${target}  ${megabytes(fs.statSync(target).size)}`);
    for (const entry of entries.filter((e) => executables.some((file) => e.name === `${PLUGIN_ID}/${file}`))) {
      console.log(
        `  ${entry.name.padEnd(72)} ${megabytes(entry.size).padStart(10)} → ${megabytes(entry.compressedSize).padStart(10)}`
      );
    }
  } finally {
    fs.rmSync(partial, { force: true });
    fs.rmSync(stage, { recursive: true, force: true });
  }
}

function main(): void {
  const { dist, out } = parseArgs(process.argv.slice(2));
  requireZip();
  if (!fs.existsSync(path.join(dist, 'plugin.json'))) {
    fail(`${path.join(dist, 'plugin.json')} is missing: run npm run build first`);
  }
  const version: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
  fs.mkdirSync(out, { recursive: true });
  for (const goarch of GOARCHES) {
    writeArchive(dist, out, version, goarch);
  }
}

main();
