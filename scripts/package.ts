/**
 * Zips dist/ into kamiwaza-observability-app-<version>.zip with the top folder
 * kamiwaza-observability-app/ (the layout Grafana's plugin installer expects), keeping the
 * executables' x-bits. Uses the `zip` command (Debian package `zip`). Fails loudly on any error.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const PLUGIN_ID = 'kamiwaza-observability-app';

function fail(message: string): never {
  process.stderr.write(`package: ${message}\n`);
  process.exit(1);
}

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error || result.status !== 0) {
    fail(
      `${command} ${args.join(' ')} failed (${result.error ?? `exit ${result.status}`}):\n${result.stdout}${result.stderr}`
    );
  }
  return result.stdout;
}

function main(): void {
  const version: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
  const required = [
    'plugin.json',
    'module.js',
    'datasource/plugin.json',
    'datasource/gpx_kamiwaza_logs_linux_amd64',
    'datasource/gpx_kamiwaza_logs_linux_arm64',
  ];
  for (const file of required) {
    if (!fs.existsSync(path.join(DIST, file))) {
      fail(`dist/${file} is missing: run npm run build first`);
    }
  }

  const zipFile = path.join(ROOT, `${PLUGIN_ID}-${version}.zip`);
  fs.rmSync(zipFile, { force: true });
  // Stage dist/ under the plugin id through a symlink (zip follows it) instead of copying ~0.5 GB.
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'package-'));
  try {
    fs.symlinkSync(DIST, path.join(stage, PLUGIN_ID), 'dir');
    run('zip', ['-r', '-q', '-X', zipFile, PLUGIN_ID], stage);
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }

  // Every executable must keep its x-bit inside the archive.
  const listing = run('zipinfo', [zipFile], ROOT);
  for (const line of listing.split('\n').filter((entry) => /\/gpx_kamiwaza_logs_/.test(entry))) {
    if (!line.startsWith('-rwx')) {
      fail(`executable lost its x-bit in the zip: ${line}`);
    }
  }
  const sizeMb = (fs.statSync(zipFile).size / 1024 / 1024).toFixed(1);
  console.log(`${path.relative(ROOT, zipFile)}  ${sizeMb} MiB`);
}

main();
