/**
 * `npm run package` on a dist/ laid out as `npm run build:all` lays it out (every platform's
 * executable, source maps), read back as Grafana's installer and plugin loader read an archive.
 * The executables are small stand-ins: what is checked is which files land where, with which mode.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { ZipEntry, readZipEntry, readZipListing } from './zipListing';

const ROOT = path.resolve(__dirname, '..');
const BUN = path.join(ROOT, 'node_modules', '.bin', 'bun');
const appJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'src', 'plugin.json'), 'utf8'));
const dataSourceJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'src', 'datasource', 'plugin.json'), 'utf8'));
const version: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
const TOP = appJson.id as string;
const EXECUTABLE = dataSourceJson.executable as string;

/** dist/ as the build writes it, README from src/ (its platform paragraph is what gets rewritten). */
function fakeDist(dir: string): void {
  const write = (file: string, content: string, mode = 0o644) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content, { mode });
    fs.chmodSync(path.join(dir, file), mode);
  };
  write('plugin.json', JSON.stringify(appJson));
  write('module.js', 'define([],function(){});');
  write('module.js.map', '{}');
  write('README.md', fs.readFileSync(path.join(ROOT, 'src', 'README.md'), 'utf8'));
  write('LICENSE', 'Apache-2.0');
  write('img/logo.svg', '<svg/>');
  write('dashboards/service-errors.json', '{}');
  write('datasource/plugin.json', JSON.stringify(dataSourceJson));
  write('datasource/module.js', 'define([],function(){});');
  write('datasource/module.js.map', '{}');
  write('datasource/img/logo.svg', '<svg/>');
  for (const platform of ['linux_amd64', 'linux_arm64']) {
    write(`datasource/${EXECUTABLE}_${platform}`, '#!/bin/sh\n', 0o755);
    write(`datasource/${EXECUTABLE}_${platform}_glibc`, `ELF glibc ${platform}`, 0o755);
    write(`datasource/${EXECUTABLE}_${platform}_musl`, `ELF musl ${platform}`, 0o755);
  }
  write(`datasource/${EXECUTABLE}_darwin_amd64`, 'Mach-O', 0o755);
  write(`datasource/${EXECUTABLE}_darwin_arm64`, 'Mach-O', 0o755);
  write(`datasource/${EXECUTABLE}_windows_amd64.exe`, 'MZ', 0o755);
}

function runPackage(dist: string, out: string, env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(BUN, [path.join(ROOT, 'scripts', 'package.ts'), '--dist', dist, '--out', out], {
    encoding: 'utf8',
    env,
  });
}

function archiveName(goarch: string): string {
  return `${TOP}-${version}.linux_${goarch}.zip`;
}

function unzipFile(archive: string, entry: string): string {
  return readZipEntry(archive, entry).toString('utf8');
}

describe('npm run package', () => {
  // Each test runs the real script (Bun, zip) several times: a ceiling for a loaded machine.
  jest.setTimeout(60_000);
  let work: string;
  let dist: string;
  let out: string;

  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'package-test-'));
    dist = path.join(work, 'dist');
    out = path.join(work, 'out');
    fakeDist(dist);
  });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  it('writes one archive per Linux platform, in the layout Grafana loads, and reports sizes', () => {
    const result = runPackage(dist, out);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual([archiveName('amd64'), archiveName('arm64')]);

    for (const [goarch, other] of [
      ['amd64', 'arm64'],
      ['arm64', 'amd64'],
    ]) {
      const archive = path.join(out, archiveName(goarch));
      expect(result.stdout).toMatch(new RegExp(`${archiveName(goarch).replace(/\./g, '\\.')}\\s+\\d+\\.\\d MiB`));
      const entries = readZipListing(archive);
      const files = new Map<string, ZipEntry>(
        entries.filter((entry) => !entry.name.endsWith('/')).map((entry) => [entry.name, entry])
      );

      // One top folder named after the app; Grafana mounts a folder holding a dist/ instead, so none.
      expect(entries.every((entry) => entry.name.startsWith(`${TOP}/`))).toBe(true);
      expect(entries.some((entry) => entry.name.split('/').includes('dist'))).toBe(false);
      // The app's plugin.json at the root, the nested data source's in datasource/.
      expect(JSON.parse(unzipFile(archive, `${TOP}/plugin.json`)).id).toBe(appJson.id);
      expect(JSON.parse(unzipFile(archive, `${TOP}/datasource/plugin.json`)).id).toBe(dataSourceJson.id);

      // Grafana starts <executable>_<goos>_<goarch> beside the data source's plugin.json: the
      // launcher, and the two builds it chooses from, all executable. Nothing of other platforms.
      const executables = [...files.keys()].filter((name) => name.includes(`/${EXECUTABLE}_`)).sort();
      expect(executables).toEqual(
        [
          `${TOP}/datasource/${EXECUTABLE}_linux_${goarch}`,
          `${TOP}/datasource/${EXECUTABLE}_linux_${goarch}_glibc`,
          `${TOP}/datasource/${EXECUTABLE}_linux_${goarch}_musl`,
        ].sort()
      );
      for (const name of executables) {
        expect(files.get(name)!.mode & 0o777).toBe(0o755);
      }
      expect(unzipFile(archive, `${TOP}/datasource/${EXECUTABLE}_linux_${goarch}_musl`)).toBe(
        `ELF musl linux_${goarch}`
      );

      // What the runtime needs and nothing else: no source maps.
      expect([...files.keys()].sort()).toEqual(
        [
          'plugin.json',
          'module.js',
          'README.md',
          'LICENSE',
          'img/logo.svg',
          // The app's includes name them: Grafana imports them from the plugin folder.
          'dashboards/service-errors.json',
          'datasource/plugin.json',
          'datasource/module.js',
          'datasource/img/logo.svg',
          ...executables.map((name) => name.slice(TOP.length + 1)),
        ]
          .map((name) => (name.startsWith(`${TOP}/`) ? name : `${TOP}/${name}`))
          .sort()
      );

      // The README names this platform, and no platform the archive lacks.
      const readme = unzipFile(archive, `${TOP}/README.md`);
      const platforms = readme.slice(readme.indexOf('<!-- platforms -->'), readme.indexOf('<!-- /platforms -->'));
      expect(platforms).toContain(`Linux on ${goarch}`);
      expect(platforms).not.toContain(`Linux on ${other}`);
      expect(readme).not.toMatch(/macOS|darwin|windows|amd64 and arm64/i);
    }
  });

  it('replaces the previous archive only with a complete new one', () => {
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, archiveName('amd64')), 'previous release');

    fs.rmSync(path.join(dist, 'datasource', `${EXECUTABLE}_linux_amd64_musl`));
    const failed = runPackage(dist, out);
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain(`${EXECUTABLE}_linux_amd64_musl is missing: run npm run build first`);
    expect(fs.readFileSync(path.join(out, archiveName('amd64')), 'utf8')).toBe('previous release');
    expect(fs.readdirSync(out)).toEqual([archiveName('amd64')]);

    fakeDist(dist);
    expect(runPackage(dist, out).status).toBe(0);
    expect(readZipListing(path.join(out, archiveName('amd64'))).length).toBeGreaterThan(0);
  });

  it('says that `zip` is missing, and keeps the previous archive', () => {
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, archiveName('arm64')), 'previous release');
    const emptyPath = path.join(work, 'no-tools');
    fs.mkdirSync(emptyPath);

    const result = runPackage(dist, out, { ...process.env, PATH: emptyPath });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('the `zip` command is not installed');
    expect(result.stderr).toContain('apt-get install zip');
    expect(fs.readFileSync(path.join(out, archiveName('arm64')), 'utf8')).toBe('previous release');
  });
});
