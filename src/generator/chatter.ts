/**
 * Background records that are not part of a traced request: kamiwazad's periodic checks,
 * container housekeeping, core processes' stdout, gateway traffic that never reaches a
 * service (health probes, static assets, scanners) and untraced application events.
 */
import { CORE_PROCESSES, CORE_SERVICES, MODELS, NODES, USERS } from './catalog';
import { World } from './world';

export function kamiwazadChatter(world: World, t: number): void {
  const { rng } = world;
  const r = rng.float();
  const log = (level: 'DEBUG' | 'INFO' | 'WARNING', logger: string, message: string) =>
    world.daemon('kamiwazad.log', t, level, logger, message);
  if (r < 0.35) {
    log('INFO', 'kamiwazad.health', `${CORE_SERVICES.length}/${CORE_SERVICES.length} core services healthy`);
  } else if (r < 0.55) {
    log(
      'DEBUG',
      'kamiwazad.supervisor',
      `heartbeat ok (${rng.range(3, 14)} managed processes, load ${(rng.float() * 6).toFixed(2)})`
    );
  } else if (r < 0.75) {
    log(
      'INFO',
      'kamiwazad.ray',
      `cluster resources: CPU ${rng.range(40, 250)}/256, GPU ${rng.range(1, 4)}/4, memory ${rng.range(200, 900)}/1024 GiB`
    );
  } else if (r < 0.85) {
    log('INFO', 'kamiwazad.deployments', `reconciled ${rng.range(2, 6)} deployments, 0 changes`);
  } else if (r < 0.93) {
    log('INFO', 'kamiwazad.otel', `exported ${rng.range(200, 5000)} log records to otel-collector:4317`);
  } else {
    const svc = rng.pick(CORE_SERVICES);
    log(
      'WARNING',
      'kamiwazad.health',
      `service ${svc.name} health check slow (${(1.5 + rng.float() * 3).toFixed(1)}s)`
    );
  }
}

export function containersChatter(world: World, t: number): void {
  const { rng } = world;
  const r = rng.float();
  const svc = rng.pick(CORE_SERVICES);
  const log = (level: 'DEBUG' | 'INFO' | 'WARNING', message: string) =>
    world.daemon('kamiwazad-containers.log', t, level, 'kamiwazad.containers', message);
  if (r < 0.5) {
    log('DEBUG', `container ${svc.container} health: healthy (${rng.range(3, 80)}ms)`);
  } else if (r < 0.8) {
    log(
      'INFO',
      `stats ${svc.container} cpu=${rng.range(1, 300)}% mem=${(rng.float() * 30 + 0.2).toFixed(1)}GiB/62.7GiB`
    );
  } else if (r < 0.9) {
    log('WARNING', `container ${svc.container} memory at ${rng.range(85, 97)}% of limit`);
  } else {
    log('INFO', `pruned ${rng.range(1, 6)} dangling images (${(rng.float() * 4).toFixed(1)} GiB reclaimed)`);
  }
}

export function coreChatter(world: World, t: number): void {
  const { rng } = world;
  const proc = rng.pick(CORE_PROCESSES);
  const pid = world.pid(proc.logger);
  const r = rng.float();
  const log = (level: 'DEBUG' | 'INFO' | 'WARNING', message: string) =>
    world.daemon('kamiwazad-core.log', t, level, proc.logger, message, { pid });
  if (r < 0.4) {
    log('INFO', `172.18.0.1:${rng.range(30000, 60000)} - GET /health 200`);
  } else if (r < 0.6) {
    log(
      'INFO',
      `Running job ${rng.pick(['sync_catalog', 'gc_deployments', 'refresh_node_inventory', 'rotate_tokens'])} (next run in ${rng.pick([60, 300, 3600])}s)`
    );
  } else if (r < 0.75) {
    log(
      'WARNING',
      `(raylet) Spilled ${rng.range(100, 4000)} MiB, ${rng.range(2, 90)} objects, write throughput ${rng.range(200, 900)} MiB/s`
    );
  } else if (r < 0.85) {
    log(
      'WARNING',
      '/opt/kamiwaza/venv/lib/python3.11/site-packages/pydantic/_internal/_config.py:345: UserWarning: Valid config keys have changed in V2: orm_mode has been renamed to from_attributes'
    );
  } else {
    log('DEBUG', `gc: collected ${rng.range(100, 90000)} objects in ${rng.range(1, 40)}ms`);
  }
}

const STATIC_ASSETS = [
  '/static/js/main.8f3a2c1e.js',
  '/static/css/main.41b2c9d0.css',
  '/static/media/logo.3c8a.svg',
  '/favicon.ico',
  '/',
];
const SCANNER_PATHS = [
  '/wp-login.php',
  '/.env',
  '/admin/config.php',
  '/.git/config',
  '/actuator/health',
  '/cgi-bin/luci',
];
const BROWSERS = USERS.filter((u) => u.userAgent.startsWith('Mozilla'));

/** Gateway traffic without a traced service behind it. */
export function edgeRequest(world: World, t: number): void {
  const { rng } = world;
  const r = rng.float();
  if (r < 0.55) {
    const prometheus = rng.chance(0.5);
    world.edge(t, {
      clientIp: prometheus ? '172.18.0.30' : '172.18.0.1',
      user: '-',
      method: 'GET',
      path: prometheus ? '/metrics' : '/api/health',
      status: 200,
      size: prometheus ? rng.range(9000, 14000) : 15,
      userAgent: prometheus ? 'Prometheus/2.53.0' : 'curl/8.5.0',
      durationUs: rng.range(800, 6000),
    });
  } else if (r < 0.9) {
    const user = rng.pick(BROWSERS);
    const cached = rng.chance(0.6);
    world.edge(t, {
      clientIp: user.ip,
      user: '-',
      method: 'GET',
      path: rng.pick(STATIC_ASSETS),
      status: cached ? 304 : 200,
      size: cached ? 0 : rng.range(800, 400000),
      userAgent: user.userAgent,
      durationUs: rng.range(500, 30000),
      frontend: true,
    });
  } else {
    world.edge(t, {
      clientIp: `185.220.${rng.range(100, 103)}.${rng.range(1, 254)}`,
      user: '-',
      method: rng.chance(0.8) ? 'GET' : 'POST',
      path: rng.pick(SCANNER_PATHS),
      status: 404,
      size: 19,
      userAgent: 'Mozilla/5.0 zgrab/0.x',
      durationUs: rng.range(300, 2000),
    });
  }
}

/** Application events outside any request: pools, caches, schedulers. */
export function appNoise(world: World, t: number): void {
  const { rng } = world;
  const r = rng.float();
  if (r < 0.4) {
    world.app({
      ts: t,
      level: 'DEBUG',
      service: 'kamiwaza.api',
      message: `Connection pool stats: ${rng.range(1, 30)} active, ${rng.range(5, 40)} idle`,
      fields: ',"pool":"cockroachdb"',
    });
  } else if (r < 0.7) {
    const model = rng.pick(MODELS);
    world.app({
      ts: t,
      level: 'DEBUG',
      service: 'kamiwaza.models',
      message: `Metadata cache refreshed for ${model}`,
      fields: `,"model_id":"${model}","ttl_s":300`,
    });
  } else if (r < 0.9) {
    const node = rng.pick(NODES);
    world.app({
      ts: t,
      level: 'INFO',
      service: 'kamiwaza.cluster',
      message: `Node ${node} heartbeat`,
      fields: `,"node":"${node}","gpu_util":${rng.float().toFixed(2)},"gpu_mem_used_gib":${rng.range(4, 78)}`,
    });
  } else {
    world.app({
      ts: t,
      level: 'WARNING',
      service: 'kamiwaza.api',
      message: 'Token cache miss rate above 20 percent',
      fields: `,"miss_rate":${(0.2 + rng.float() * 0.2).toFixed(2)}`,
    });
  }
}
