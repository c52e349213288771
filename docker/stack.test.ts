/**
 * The docker compose stack cannot run here (no Docker engine), so its files are checked against
 * each other and against the facts they must agree with: the plugin.json files, docs/labels.md,
 * the README, the CI workflow, and sample lines from the project's generator.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import semver from 'semver';
import { parse } from 'yaml';

import { checkHealth } from '../src/backend/services/datasource/health';
import type { DataSourceInstance } from '../src/backend/services/datasource/instance';
import type { IndexStatus } from '../src/backend/engine/index/blockIndex';
import { DEFAULT_ACCESS_LOG_PATH } from '../src/shared/kamiwaza';

const ROOT = path.resolve(__dirname, '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const readYaml = (file: string) => parse(read(file), { merge: true });

const appJson = JSON.parse(read('src/plugin.json'));
const dataSourceJson = JSON.parse(read('src/datasource/plugin.json'));
const compose = readYaml('docker-compose.yaml');
const dockerfile = read('docker/Dockerfile');
const loki = readYaml('docker/loki/config.yaml');
const collector = readYaml('docker/otel-collector/config.yaml');
const workflow = readYaml('.github/workflows/ci.yml');
const readme = read('README.md');
const labelsDoc = read('docs/labels.md');

interface Operator {
  id: string;
  type: string;
  if?: string;
  from?: string;
  to?: string;
  field?: string;
  regex?: string;
  parse_from?: string;
}
interface FileLogReceiver {
  include: string[];
  include_file_path_resolved?: boolean;
  exclude?: string[];
  resource?: Record<string, string>;
  multiline?: { line_start_pattern: string };
  operators: Operator[];
}

const receivers = Object.entries(collector.receivers as Record<string, FileLogReceiver>).filter(([name]) =>
  name.startsWith('file_log/')
);
/** Receivers of one named file each, with its source fixed; the rest is the catch-all. */
const namedReceivers = receivers.filter(([, receiver]) => receiver.resource?.source !== undefined);
const [catchAllName, catchAll] = receivers.find(([, receiver]) => receiver.resource?.source === undefined)!;
const jsonReceivers = receivers.filter(([, r]) => r.operators.some((op) => op.type === 'json_parser'));
/** JSON time fields: the time parsers named after the field they read. */
const jsonTimeFields = (receiver: FileLogReceiver) =>
  receiver.operators
    .filter((op) => op.type === 'time_parser' && /^time_from_(?!.*header)/.test(op.id))
    .map((op) => op.parse_from!.replace(/^attributes\./, ''));

/** `${NAME:-default}` → default, as compose resolves it when NAME is unset. */
function composeDefault(value: string): string {
  return value.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');
}

/** Go's RE2 named groups (?P<name>) in JavaScript's spelling. */
function goRegex(source: string): RegExp {
  return new RegExp(source.replace(/\(\?P</g, '(?<'));
}

/** The ARG defaults of the Dockerfile (ARG NAME=value). */
const dockerArgs = Object.fromEntries(
  [...dockerfile.matchAll(/^ARG ([A-Z_]+)=(\S+)$/gm)].map((match) => [match[1], match[2]])
);

function stageSource(stage: string): string {
  const from = dockerfile.match(new RegExp(`^FROM (\\S+) AS ${stage}$`, 'm'));
  if (!from) {
    throw new Error(`docker/Dockerfile has no stage ${stage}`);
  }
  return from[1].replace(/\$\{([A-Z_]+)\}/g, (_, name) => dockerArgs[name]);
}

describe('docker-compose.yaml', () => {
  const grafana = compose.services.grafana;
  const logMount = (service: { volumes: string[] }) =>
    service.volumes.find((volume: string) => volume.includes('KAMIWAZA_LOG_DIR'))!;

  it('publishes Grafana on 3030 with the admin password and both plugin IDs allowed unsigned', () => {
    expect(grafana.ports).toEqual(['3030:3000']);
    expect(grafana.environment.GF_SECURITY_ADMIN_PASSWORD).toBe('${GRAFANA_ADMIN_PASSWORD:-kamiwaza}');
    expect(grafana.environment.GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS.split(',').sort()).toEqual(
      [appJson.id, dataSourceJson.id].sort()
    );
  });

  it('runs the built plugin from the image, in the app id folder of Grafana plugins path', () => {
    expect(grafana.build.target).toBe('grafana');
    expect(dockerfile).toMatch(
      new RegExp(`^COPY --from=plugin --chown=472:0 / /var/lib/grafana/plugins/${appJson.id}/$`, 'm')
    );
    // plugin is the image build's dist/ by default, or the host's with PLUGIN_SOURCE=host.
    expect(dockerfile).toMatch(/^FROM plugin-\$\{PLUGIN_SOURCE\} AS plugin$/m);
    expect(dockerfile).toMatch(/^FROM scratch AS plugin-build\nCOPY --from=build \/src\/dist\/ \/$/m);
    expect(dockerfile).toMatch(/^FROM scratch AS plugin-host\nCOPY dist\/ \/$/m);
    expect(composeDefault(grafana.build.args.PLUGIN_SOURCE)).toBe(dockerArgs.PLUGIN_SOURCE);
    expect(dockerArgs.PLUGIN_SOURCE).toBe('build');
    // The image build installs and builds from the lockfile, never the host's node_modules or dist/.
    expect(dockerfile).toMatch(/^RUN npm ci /m);
    expect(dockerfile).toMatch(/^COPY --exclude=dist --exclude=build \. \.$/m);
    expect(read('.dockerignore').split('\n')).toContain('node_modules');
    // The generator is compiled with the Bun version the project builds with.
    expect(dockerArgs.BUN_VERSION).toBe(JSON.parse(read('package.json')).devDependencies.bun);
    // The checkout is never mounted into a build, so the host's node_modules/dist/build stay the user's.
    for (const service of Object.values<{ volumes?: string[] }>(compose.services)) {
      for (const volume of service.volumes ?? []) {
        expect(volume).not.toMatch(/^\.:/);
      }
    }
  });

  it('mounts provisioning/ whole and the log directory read-only, where the data source reads it', () => {
    expect(grafana.volumes).toContain('./provisioning:/etc/grafana/provisioning:ro');
    // ${KAMIWAZA_LOG_DIR:-<volume>}:<path>:ro: the host directory when set, else the generator's
    // named volume; the collector reads the same files at the same path.
    const [, volumeName, target] = logMount(grafana).match(/^\$\{KAMIWAZA_LOG_DIR:-([a-z-]+)\}:(\/[^:]+):ro$/)!;
    expect(Object.keys(compose.volumes)).toContain(volumeName);
    expect(compose.services.generator.volumes).toContain(`${volumeName}:${target}`);
    expect(compose.services.generator.command[compose.services.generator.command.indexOf('--out') + 1]).toBe(target);
    expect(compose.services.generator.command).toContain('--follow');
    expect(logMount(compose.services['otel-collector'])).toBe(logMount(grafana));

    const dataSource = readYaml('provisioning/datasources/kamiwaza-logs.yaml').datasources[0];
    expect(dataSource.jsonData.logDirs).toEqual([target]);
  });

  it('starts in order: every dependency has a healthcheck and is awaited healthy', () => {
    for (const [name, service] of Object.entries<{ healthcheck?: { test: string[] } }>(compose.services)) {
      // Every service has a healthcheck that runs a command of its image (exec form, no shell).
      expect([name, service.healthcheck?.test[0]]).toEqual([name, 'CMD']);
      expect([name, service.healthcheck!.test.length > 1]).toEqual([name, true]);
    }
    for (const service of Object.values<{ depends_on?: Record<string, { condition: string }> }>(compose.services)) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(Object.keys(compose.services)).toContain(dependency);
        expect(condition).toBe('service_healthy');
      }
    }
    expect(Object.keys(grafana.depends_on).sort()).toEqual(['generator', 'loki']);
    expect(Object.keys(compose.services['otel-collector'].depends_on).sort()).toEqual(['generator', 'loki']);
  });

  it('pins every image to an exact version, node to a patch release', () => {
    const images = [
      ...Object.values<{ image?: string }>(compose.services)
        .map((service) => service.image)
        .filter((image): image is string => !!image && !image.startsWith('kamiwaza-observability/')),
      ...['build', 'grafana', 'generator-build', 'generator', 'busybox', 'collector'].map(stageSource),
    ];
    for (const image of images) {
      expect([image, /:\d+\.\d+\.\d+(-[a-z]+)?$/.test(image) || /:[a-z]+-slim$/.test(image)]).toEqual([image, true]);
    }
    expect(stageSource('build')).toMatch(/^node:20\.\d+\.\d+-bookworm$/);
    expect(stageSource('collector')).toMatch(/^otel\/opentelemetry-collector-contrib:\d+\.\d+\.\d+$/);
    expect(compose.services.loki.image).toMatch(/^grafana\/loki:\d+\.\d+\.\d+$/);
  });
});

describe('supported Grafana versions', () => {
  const matrix: string[] = workflow.jobs.e2e.strategy.matrix.grafana;
  const range: string = appJson.dependencies.grafanaDependency;
  const versionOf = (pkg: string) => JSON.parse(read('package.json')).dependencies[pkg];

  it('are one range in both plugin.json files, in the form plugin.json allows', () => {
    expect(dataSourceJson.dependencies.grafanaDependency).toBe(range);
    // The pattern of Grafana's plugin.schema.json for grafanaDependency.
    expect(range).toMatch(
      /^(<=|>=|<|>|=|~|\^)?([0-9]+)(\.[0-9x*]+)(\.[0-9x*]+)?(\s(<=|>=|<|=>)?([0-9]+)(\.[0-9x]+)(\.[0-9x]+))?$/
    );
  });

  it('are tested in CI at the oldest and the newest, the newest being what the frontend is built with', () => {
    expect(matrix).toHaveLength(2);
    const [oldest, newest] = [...matrix].sort(semver.compare);
    expect(semver.satisfies(oldest, range)).toBe(true);
    expect(semver.satisfies(newest, range)).toBe(true);
    expect(oldest).toBe(semver.minVersion(range)!.version);
    expect(newest).toBe(versionOf('@grafana/ui'));
    expect(newest).toBe(versionOf('@grafana/runtime'));
    // The stack runs the newest by default, and the README names the range.
    expect(grafana()).toBe(newest);
    expect(dockerArgs.GRAFANA_VERSION).toBe(newest);
    expect(readme).toContain(`\`${range}\``);
    // The plugin's own README (shown in Grafana, shipped in the archives) says the same.
    expect(read('src/README.md')).toContain(`\`${range}\``);
    expect(read('src/README.md')).toContain(`${oldest} and ${newest}`);
  });

  function grafana(): string {
    return composeDefault(compose.services.grafana.build.args.GRAFANA_VERSION);
  }
});

describe('provisioning/', () => {
  const files = (dir: string): string[] =>
    fs
      .readdirSync(dir, { withFileTypes: true })
      .flatMap((entry) => (entry.isDirectory() ? files(path.join(dir, entry.name)) : [path.join(dir, entry.name)]));

  it('holds YAML that parses, each file with apiVersion 1', () => {
    const yamlFiles = files(path.join(ROOT, 'provisioning')).filter((file) => /\.ya?ml$/.test(file));
    expect(yamlFiles.length).toBeGreaterThanOrEqual(3);
    for (const file of yamlFiles) {
      expect([path.relative(ROOT, file), parse(fs.readFileSync(file, 'utf8')).apiVersion]).toEqual([
        path.relative(ROOT, file),
        1,
      ]);
    }
  });

  it('finds every dashboard provider folder inside a mount of the Grafana service', () => {
    const dir = path.join(ROOT, 'provisioning', 'dashboards');
    const providers = fs.existsSync(dir)
      ? fs
          .readdirSync(dir)
          .filter((file) => /\.ya?ml$/.test(file))
          .flatMap((file) => parse(fs.readFileSync(path.join(dir, file), 'utf8')).providers ?? [])
      : [];
    const mounts = (compose.services.grafana.volumes as string[]).map((volume) => volume.split(':'));
    for (const provider of providers) {
      // The most specific mount holding the folder, as Docker resolves nested mounts.
      const [source, target] = mounts
        .filter(([, target]) => provider.options.path === target || provider.options.path.startsWith(`${target}/`))
        .sort((a, b) => b[1].length - a[1].length)[0];
      expect(source).toMatch(/^\.\//);
      const hostFolder = path.join(ROOT, source, path.relative(target, provider.options.path));
      expect([provider.name, fs.existsSync(hostFolder)]).toEqual([provider.name, true]);
    }
  });

  it('provisions Kamiwaza Logs (uid kamiwaza-logs) and the stack Loki (uid loki)', () => {
    const [kamiwaza] = readYaml('provisioning/datasources/kamiwaza-logs.yaml').datasources;
    expect(kamiwaza).toMatchObject({ type: dataSourceJson.id, uid: 'kamiwaza-logs', name: dataSourceJson.name });
    const [lokiSource] = readYaml('provisioning/datasources/loki.yaml').datasources;
    expect(lokiSource).toMatchObject({ type: 'loki', uid: 'loki' });
    const url = new URL(lokiSource.url);
    expect(Object.keys(compose.services)).toContain(url.hostname);
    expect(Number(url.port)).toBe(loki.server.http_listen_port);
  });
});

describe('the OpenTelemetry collector and Loki give the labels of docs/labels.md', () => {
  // Checking every generated line takes seconds; on a loaded machine, more.
  jest.setTimeout(60_000);
  const logRoot = logRootOf(compose.services['otel-collector'].volumes);
  const streamLabelRows = [...labelsDoc.matchAll(/^\| `([a-z_]+)`\s*\|(.*)\|$/gm)];

  function logRootOf(volumes: string[]): string {
    return volumes
      .find((volume) => volume.includes('KAMIWAZA_LOG_DIR'))!
      .split(':')
      .slice(-2)[0];
  }

  /** docs/labels.md: source value → file, from the `source` row of the stream label table. */
  function documentedSources(): Record<string, string> {
    const row = streamLabelRows.find((match) => match[1] === 'source')![2];
    const named = row.slice(0, row.indexOf('; any other'));
    return Object.fromEntries(
      [...named.matchAll(/`([a-z-]+)`(?: \(([^)]+)\))?/g)].map(([, source, file]) => [
        source,
        file === undefined ? `${source}.log` : /\.(jsonl|log)$/.test(file) ? file : DEFAULT_ACCESS_LOG_PATH,
      ])
    );
  }

  it('ships each documented file with its documented source, and reads the files Grafana reads', () => {
    const shipped = Object.fromEntries(
      namedReceivers.flatMap(([, receiver]) =>
        receiver.include.map((include) => {
          expect(include.startsWith(`${logRoot}/`)).toBe(true);
          return [receiver.resource!.source, include.slice(logRoot.length + 1)];
        })
      )
    );
    expect(shipped).toEqual(documentedSources());
  });

  it('ships any other *.jsonl / *.log file with its base name as source, as documented', () => {
    expect(catchAll.include.sort()).toEqual([`${logRoot}/*.jsonl`, `${logRoot}/*.log`]);
    // Every named file of the log directory itself is excluded (the access log sits deeper).
    const named = namedReceivers.flatMap(([, receiver]) => receiver.include);
    expect(catchAll.exclude!.sort()).toEqual(named.filter((file) => path.dirname(file) === logRoot).sort());
    const row = streamLabelRows.find((match) => match[1] === 'source')![2];
    const [, example, expected] = row.match(/\(`([^`]+)` → `([^`]+)`\)/)!;
    const fromName = catchAll.operators.find((op) => op.id === 'source_from_file_name')!;
    expect([catchAllName, fromName.parse_from, fromName.parse_to]).toEqual([
      catchAllName,
      'attributes["log.file.name"]',
      'resource',
    ]);
    expect(example.match(goRegex(fromName.regex!))?.groups?.source).toBe(expected);
    expect('kamiwazad-gpu.log'.match(goRegex(fromName.regex!))?.groups?.source).toBe('kamiwazad-gpu');
  });

  it('makes exactly the documented stream labels index labels in Loki', () => {
    const documented = streamLabelRows.map((match) => match[1]).sort();
    expect(documented).toEqual(['filename', 'service_name', 'source']);
    const resourceAttributes = loki.limits_config.otlp_config.resource_attributes;
    // Loki's default index-label attributes are off, so nothing else becomes a stream label.
    expect(resourceAttributes.ignore_defaults).toBe(true);
    // Nor does stream sharding add __stream_shard__ to a busy stream.
    expect(loki.limits_config.shard_streams.enabled).toBe(false);
    const indexLabels = resourceAttributes.attributes_config
      .filter((config: { action: string }) => config.action === 'index_label')
      .flatMap((config: { attributes: string[] }) => config.attributes)
      // Loki's normalisation of attribute names to label names.
      .map((name: string) => name.replace(/[^a-zA-Z0-9_]/g, '_'))
      .sort();
    expect(indexLabels).toEqual(documented);
  });

  it('sets service.name from the documented JSON keys, first present, and traefik for the access log', () => {
    const row = streamLabelRows.find((match) => match[1] === 'service_name')![2];
    const keys = [...row.slice(row.indexOf('JSON keys'), row.indexOf('(first present)')).matchAll(/`([^`]+)`/g)].map(
      (match) => match[1]
    );
    expect(keys).toEqual(['service', 'service.name', 'service_name', 'logger']);
    for (const [name, receiver] of jsonReceivers) {
      const copies = receiver.operators.filter((op) => op.to === 'resource["service.name"]');
      const fromKeys = copies.map((op) => op.from!.replace(/^attributes(?:\.|\[")([^"\]]+)"?\]?$/, '$1'));
      expect([name, fromKeys]).toEqual([name, keys]);
      // First present: each copy applies only while no earlier one has set service.name.
      for (const op of copies) {
        expect(op.if).toContain('resource["service.name"] == nil');
      }
    }
    const access = namedReceivers.find(([, receiver]) => receiver.resource!.source === 'access')![1];
    expect(access.resource!['service.name']).toBe(row.match(/the access log always has `([^`]+)`/)![1]);
  });

  it('sets filename to the resolved path of the live file', () => {
    for (const [name, receiver] of receivers) {
      expect([name, receiver.include_file_path_resolved]).toEqual([name, true]);
      const move = receiver.operators.find((op) => op.to === 'resource.filename');
      expect([name, move?.type, move?.from]).toEqual([name, 'move', 'attributes["log.file.path_resolved"]']);
    }
  });

  it('takes a JSON record time from the documented fields, in their order', () => {
    const documented = [
      ...labelsDoc
        .slice(labelsDoc.indexOf('### Time'))
        .split('\n')
        .find((line) => line.includes('JSON keys'))!
        .matchAll(/`([^`]+)`/g),
    ].map((match) => match[1]);
    for (const [name, receiver] of jsonReceivers) {
      const fields = jsonTimeFields(receiver);
      expect([name, fields]).toEqual([name, documented.slice(0, fields.length)]);
    }
  });

  it('exports to the stack Loki over OTLP, with health on :13133/health as the Kamiwaza guide checks', () => {
    const exporters = Object.entries<{ endpoint: string }>(collector.exporters);
    expect(exporters).toHaveLength(1);
    const [type, { endpoint }] = exporters[0];
    expect(type.split('/')[0]).toBe('otlp_http');
    const url = new URL(endpoint);
    expect(url.hostname).toBe('loki');
    expect(Number(url.port)).toBe(loki.server.http_listen_port);
    expect(url.pathname).toBe('/otlp');
    expect(collector.service.pipelines.logs.receivers.sort()).toEqual(receivers.map(([name]) => name).sort());
    expect(collector.service.pipelines.logs.exporters).toEqual([type]);

    expect(collector.extensions.health_check).toEqual({ endpoint: '0.0.0.0:13133', path: '/health' });
    expect(collector.service.extensions).toContain('health_check');
    expect(compose.services['otel-collector'].ports).toContain('13133:13133');
    expect(compose.services['otel-collector'].healthcheck.test).toContain('http://127.0.0.1:13133/health');
  });

  describe('on the generator sample logs', () => {
    let dir: string;
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stack-test-logs-'));
      const generator = spawnSync(
        path.join(ROOT, 'node_modules', '.bin', 'bun'),
        [
          path.join(ROOT, 'src', 'generator', 'main.ts'),
          ...['--out', dir, '--size', '3MB', '--days', '1', '--seed', '5', '--end', '2026-11-20T00:00:00Z'],
          ...['--access-format', 'json', '--damage-rate', '0'],
        ],
        { encoding: 'utf8' }
      );
      expect(generator.status).toBe(0);
      // A ceiling for a loaded machine, not a speed expectation.
    }, 120_000);
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    const lines = (file: string) => fs.readFileSync(path.join(dir, file), 'utf8').split('\n').filter(Boolean);
    const fileOf = (receiver: FileLogReceiver) => receiver.include[0].slice(logRoot.length + 1);

    it('parses the header of every text record: time, level and the logger that becomes service_name', () => {
      const textReceivers = namedReceivers.filter(([, receiver]) => receiver.multiline);
      expect(textReceivers.map(([, receiver]) => receiver.resource!.source).sort()).toEqual(
        ['application-text', 'kamiwazad', 'kamiwazad-containers', 'kamiwazad-core'].sort()
      );
      for (const [name, receiver] of textReceivers) {
        const recordStart = goRegex(receiver.multiline!.line_start_pattern);
        const header = goRegex(receiver.operators.find((op) => op.id === 'parse_header')!.regex!);
        const starts = lines(fileOf(receiver)).filter((line) => recordStart.test(line));
        expect([name, starts.length > 0]).toEqual([name, true]);
        for (const line of starts) {
          const groups = line.match(header)?.groups;
          expect([name, line, groups?.level]).toEqual([
            name,
            line,
            expect.stringMatching(/^(DEBUG|INFO|WARNING|ERROR|CRITICAL)$/),
          ]);
          expect(groups!.logger).toMatch(/^[a-z][a-z0-9_.-]*[a-z0-9]$/);
          expect(
            Number.isNaN(
              Date.parse(
                groups!.timestamp.replace(' ', 'T').replace(',', '.') + (/Z$/.test(groups!.timestamp) ? '' : 'Z')
              )
            )
          ).toBe(false);
        }
        // Continuation lines (tracebacks) are not record starts: they stay in their record's body.
        expect(
          lines(fileOf(receiver))
            .filter((line) => /^(Traceback|\s+File ")/.test(line))
            .some((line) => recordStart.test(line))
        ).toBe(false);
      }
    });

    it('parses every other file by its shape: JSON, or one of the three text header styles', () => {
      /** An `if: body matches "<regex>"` guard as a JavaScript test (expr unescapes \\ to \). */
      const guard = (op: Operator) =>
        new RegExp(op.if!.match(/body matches "((?:[^"\\]|\\.)*)"/)![1].replace(/\\\\/g, '\\'));
      const headers = catchAll.operators.filter((op) => /^parse_.*_header$/.test(op.id));
      expect(headers).toHaveLength(3);
      const recordStart = goRegex(catchAll.multiline!.line_start_pattern);
      const isJson = guard(catchAll.operators.find((op) => op.id === 'parse_json')!);
      for (const file of ['application.log', 'kamiwazad.log', 'kamiwazad-containers.log', 'kamiwazad-core.log']) {
        for (const line of lines(file).filter((candidate) => recordStart.test(candidate))) {
          // Exactly one header parser applies, and it finds the level and the logger.
          const applying = headers.filter((op) => guard(op).test(line));
          expect([file, line, applying.length]).toEqual([file, line, 1]);
          const groups = line.match(goRegex(applying[0].regex!))?.groups;
          expect([file, line, groups?.level]).toEqual([file, line, expect.stringMatching(/^[A-Z]+$/)]);
          expect(groups!.logger).toMatch(/^[a-z][a-z0-9_.-]*[a-z0-9]$/);
          expect(isJson.test(line)).toBe(false);
        }
      }
      for (const line of lines('audit-events.jsonl')) {
        expect(isJson.test(line) && recordStart.test(line)).toBe(true);
        expect(headers.some((op) => guard(op).test(line))).toBe(false);
      }
    });

    it('finds trace and span ids where the text records carry them', () => {
      const [, applicationText] = namedReceivers.find(
        ([, receiver]) => receiver.resource!.source === 'application-text'
      )!;
      const traceId = goRegex(applicationText.operators.find((op) => op.id === 'parse_trace_id')!.regex!);
      const spanId = goRegex(applicationText.operators.find((op) => op.id === 'parse_span_id')!.regex!);
      const traced = lines('application.log').filter((line) => line.includes('trace_id='));
      expect(traced.length).toBeGreaterThan(0);
      for (const line of traced) {
        expect(line.match(traceId)?.groups?.trace_id).toMatch(/^[0-9a-f]{32}$/);
        expect(line.match(spanId)?.groups?.span_id).toMatch(/^[0-9a-f]{16}$/);
      }
    });

    it('finds a time field and, where the record names one, a service in every JSON record', () => {
      for (const [name, receiver] of jsonReceivers.filter(([, r]) => r !== catchAll)) {
        const timeFields = jsonTimeFields(receiver);
        const records = lines(fileOf(receiver)).map((line) => JSON.parse(line));
        expect([name, records.length > 0]).toEqual([name, true]);
        for (const record of records) {
          expect([name, timeFields.some((field) => typeof record[field] === 'string')]).toEqual([name, true]);
        }
        if (receiver.resource!.source === 'application') {
          expect(records.every((record) => typeof record.service === 'string')).toBe(true);
        }
      }
    });
  });
});

describe('README', () => {
  it('quotes the health check messages the data source gives for the mounted directory', async () => {
    const target = '/var/log/kamiwaza';
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stack-test-health-'));
    // The index as Grafana's container keeps it (GF_PATHS_DATA=/var/lib/grafana), once built.
    const index: IndexStatus = {
      cacheDir: '/var/lib/grafana/kamiwaza-logs/index',
      files: 14,
      coveredFiles: 14,
      bytes: 210_300_000,
      coveredBytes: 210_290_000,
      memoryBytes: 2_100_000,
      failed: [],
    };
    const instance = (logDirs: string[]) =>
      ({ logDirs, store: { indexStatus: async () => index } }) as unknown as DataSourceInstance;
    try {
      const ok = await checkHealth(instance([dir]));
      expect(ok.status).toBe('OK');
      const [reading, indexLine] = ok.message.split('\n');
      expect(readme).toContain(reading.split(dir).join(target));
      expect(readme).toContain(indexLine);
      const missing = await checkHealth(instance([path.join(dir, 'missing')]));
      const reason = missing.message.match(/^(No readable log directory: )\S+ (\([^)]+\))/)!;
      expect(readme).toContain(`${reason[1]}${target} ${reason[2]}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the port, the plugin IDs, the archives and the health message of the install steps', () => {
    expect(readme).toContain('http://localhost:3030');
    expect(readme).toContain(`allow_loading_unsigned_plugins = ${appJson.id},${dataSourceJson.id}`);
    expect(readme).toContain(`GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS=${appJson.id},${dataSourceJson.id}`);
    expect(readme).toContain(`${appJson.id}-<version>.linux_amd64.zip`);
    expect(readme).toContain(`${appJson.id}-<version>.linux_arm64.zip`);
    expect(readme).toContain(`/var/lib/grafana/plugins/${appJson.id}`);
    expect(readme).toContain('provisioning/datasources/kamiwaza-logs.yaml');
    expect(readme).toContain('provisioning/plugins/app.yaml');
  });
});
