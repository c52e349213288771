/**
 * Incidents: stretches of time where something is broken and every log shows it the way it
 * would in production — a model deploy failing in a loop, the vector DB down, a core process
 * crashing with a traceback, a brute-force login attempt, the OTEL collector unreachable.
 */
import { CORE_PROCESSES, GUESSED_USERS, HOSTILE_IPS, User } from './catalog';
import { Prng } from './prng';
import { crossesService } from './trace';
import { DEPLOY_ATTEMPT, HTTP_SCENARIOS, INTERNAL_SCENARIOS, Scenario } from './scenarios';
import { RUNTIME_IMAGE, modelContainer } from './lifecycle';
import { MINUTE, SECOND, World } from './world';

export type IncidentKind = 'deploy-failure' | 'vectordb-outage' | 'core-crash' | 'brute-force' | 'otel-outage';

export const INCIDENT_KINDS: IncidentKind[] = [
  'deploy-failure',
  'vectordb-outage',
  'core-crash',
  'brute-force',
  'otel-outage',
];

export interface Incident {
  kind: IncidentKind;
  startUs: number;
}

const scenario = (name: string): Scenario => [...HTTP_SCENARIOS, ...INTERNAL_SCENARIOS].find((s) => s.name === name)!;

/** `count` incidents spread over [startUs, endUs), kinds in rotation, times at random. */
export function scheduleIncidents(rng: Prng, startUs: number, endUs: number, count: number): Incident[] {
  const span = endUs - startUs;
  const slot = span / Math.max(1, count);
  const out: Incident[] = [];
  const offset = rng.int(INCIDENT_KINDS.length);
  for (let i = 0; i < count; i++) {
    // One per slot, never in the slot's last 20 minutes, so incidents do not overlap.
    const room = Math.max(0, slot - 20 * MINUTE);
    out.push({
      kind: INCIDENT_KINDS[(offset + i) % INCIDENT_KINDS.length],
      startUs: Math.floor(startUs + i * slot + rng.float() * room),
    });
  }
  return out;
}

export function startIncident(world: World, incident: Incident): void {
  switch (incident.kind) {
    case 'deploy-failure':
      return deployFailure(world, incident.startUs);
    case 'vectordb-outage':
      return vectordbOutage(world, incident.startUs);
    case 'core-crash':
      return coreCrash(world, incident.startUs);
    case 'brute-force':
      return bruteForce(world, incident.startUs);
    case 'otel-outage':
      return otelOutage(world, incident.startUs);
  }
}

/** A large model that does not fit: every attempt runs out of GPU memory, for 10 minutes. */
function deployFailure(world: World, start: number): void {
  const { rng, traces } = world;
  const model = rng.pick(['llama-3.1-70b-instruct', 'qwen2.5-32b-instruct']);
  const admin = traces.context().user;
  const ctx = traces.context({ model, user: admin });
  const request = traces.build(scenario('deploy'), start, ctx, { clean: true });
  world.emitTrace(request, false);
  const container = modelContainer(ctx.deploymentId);
  const end = start + 10 * MINUTE;
  const interval = 25 + rng.int(15);
  let attempt = 0;
  const tryOnce = (t: number) => {
    attempt++;
    world.daemon(
      'kamiwazad-containers.log',
      t,
      'INFO',
      'kamiwazad.containers',
      `creating container ${container} from image ${RUNTIME_IMAGE} (gpus=1, node=${ctx.node})`
    );
    world.daemon(
      'kamiwazad-containers.log',
      t + 300_000,
      'INFO',
      'kamiwazad.containers',
      `container ${container} started (id=${rng.hex(12)})`
    );
    const trace = traces.build(DEPLOY_ATTEMPT, t + SECOND, { ...ctx, user: admin }, { exception: 'cudaOom' });
    world.emitTrace(trace, false);
    world.daemon(
      'kamiwazad-containers.log',
      trace.endUs + 400_000,
      'ERROR',
      'kamiwazad.containers',
      `container ${container} exited with code 137 (OOMKilled)`
    );
    const next = t + interval * SECOND;
    if (next < end) {
      world.daemon(
        'kamiwazad.log',
        trace.endUs + 600_000,
        'WARNING',
        'kamiwazad.deployments',
        `deployment ${ctx.deploymentId} (${model}) failed attempt ${attempt}: CUDA out of memory; retrying in ${interval}s`
      );
      world.schedule(next, tryOnce);
    } else {
      const t2 = trace.endUs + 600_000;
      world.daemon(
        'kamiwazad.log',
        t2,
        'ERROR',
        'kamiwazad.deployments',
        `deployment ${ctx.deploymentId} (${model}) failed after ${attempt} attempts, giving up`
      );
      world.audit({
        ts: t2 + 1000,
        eventType: 'model.deploy',
        actor: 'system:kamiwaza-serving',
        actorIp: '172.18.0.5',
        resource: `model/${model}`,
        action: 'create',
        outcome: 'failure',
        reason: `CUDA out of memory after ${attempt} attempts`,
        traceId: trace.traceId,
        requestId: `req-${rng.hex(16)}`,
      });
    }
  };
  world.schedule(request.endUs + 3 * SECOND, tryOnce);
}

/** Milvus crashes and restarts in a loop; everything that searches or indexes vectors fails. */
function vectordbOutage(world: World, start: number): void {
  const { rng, traces } = world;
  const end = start + (8 + rng.int(8)) * MINUTE;
  world.daemon(
    'kamiwazad-containers.log',
    start,
    'ERROR',
    'kamiwazad.containers',
    'container kamiwaza-milvus exited with code 139 (SIGSEGV)'
  );
  world.daemon(
    'kamiwazad.log',
    start + 2 * SECOND,
    'ERROR',
    'kamiwazad.health',
    'service milvus unhealthy: connection refused on milvus:19530'
  );
  world.addOverride({
    untilUs: end,
    plan: (s) =>
      crossesService(s, 'kamiwaza.vectordb') && rng.chance(0.9) ? { exception: 'vectordbDown' } : undefined,
  });
  let restart = 0;
  const restartLoop = (t: number) => {
    restart++;
    world.daemon(
      'kamiwazad-containers.log',
      t,
      'WARNING',
      'kamiwazad.containers',
      `restarting container kamiwaza-milvus (attempt ${restart}/5)`
    );
    if (t + 90 * SECOND < end) {
      world.daemon(
        'kamiwazad-containers.log',
        t + 20 * SECOND,
        'ERROR',
        'kamiwazad.containers',
        'container kamiwaza-milvus exited with code 139 (SIGSEGV)'
      );
      world.schedule(t + (60 + rng.int(30)) * SECOND, restartLoop);
    }
  };
  world.schedule(start + 10 * SECOND, restartLoop);
  const batchRetry = (t: number) => {
    world.emitTrace(traces.build(scenario('ingestion.batch'), t, traces.context(), { exception: 'vectordbDown' }));
    if (t + 30 * SECOND < end) {
      world.schedule(t + 30 * SECOND, batchRetry);
    }
  };
  world.schedule(start + 5 * SECOND, batchRetry);
  world.schedule(end, (t) => {
    world.daemon(
      'kamiwazad-containers.log',
      t,
      'INFO',
      'kamiwazad.containers',
      'container kamiwaza-milvus health: healthy (41ms)'
    );
    world.daemon(
      'kamiwazad.log',
      t + SECOND,
      'INFO',
      'kamiwazad.health',
      `service milvus recovered after ${Math.round((t - start) / MINUTE)} min`
    );
  });
}

const CRASHES = [
  {
    task: 'process_ingestion_job',
    traceback: [
      'Traceback (most recent call last):',
      '  File "/opt/kamiwaza/kamiwaza/core/worker.py", line 118, in run_task',
      '    result = await handler(payload)',
      '  File "/opt/kamiwaza/kamiwaza/ingestion/tasks.py", line 74, in process_ingestion_job',
      '    chunks = splitter.split(document.text)',
      'MemoryError',
    ],
  },
  {
    task: 'refresh_node_inventory',
    traceback: [
      'Traceback (most recent call last):',
      '  File "/opt/kamiwaza/kamiwaza/core/worker.py", line 118, in run_task',
      '    result = await handler(payload)',
      '  File "/opt/kamiwaza/kamiwaza/cluster/inventory.py", line 52, in refresh_node_inventory',
      "    gpus = node['resources']['GPU']",
      "KeyError: 'GPU'",
    ],
  },
  {
    task: 'gc_deployments',
    traceback: [
      'Traceback (most recent call last):',
      '  File "/opt/kamiwaza/venv/lib/python3.11/site-packages/asyncpg/connection.py", line 2329, in connect',
      '    return await connect_utils._connect(',
      'ConnectionResetError: [Errno 104] Connection reset by peer',
      '',
      'During handling of the above exception, another exception occurred:',
      '',
      'Traceback (most recent call last):',
      '  File "/opt/kamiwaza/kamiwaza/core/worker.py", line 118, in run_task',
      '    result = await handler(payload)',
      'RuntimeError: Event loop is closed',
    ],
  },
];

/** A core worker dies with an unhandled exception; kamiwazad restarts it (sometimes twice). */
function coreCrash(world: World, start: number): void {
  const { rng } = world;
  const proc = rng.pick(CORE_PROCESSES.filter((p) => p.logger !== 'kamiwaza.core.ray'));
  const service = proc.logger.replace('kamiwaza.core.', 'kamiwaza-');
  const crash = rng.pick(CRASHES);
  let t = start;
  const attempts = rng.chance(0.35) ? 2 : 1;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const pid = world.pid(proc.logger);
    world.daemon('kamiwazad-core.log', t, 'ERROR', proc.logger, `Unhandled exception in task ${crash.task}`, {
      pid,
      traceback: crash.traceback.join('\n'),
    });
    world.daemon('kamiwazad-core.log', t + 5_000, 'CRITICAL', proc.logger, 'worker process exiting (exit code 1)', {
      pid,
    });
    world.daemon(
      'kamiwazad.log',
      t + 300_000,
      'ERROR',
      'kamiwazad.supervisor',
      `service ${service} exited unexpectedly (code 1)`
    );
    t += 2 * SECOND;
    world.daemon(
      'kamiwazad.log',
      t,
      'INFO',
      'kamiwazad.supervisor',
      `starting service ${service} (attempt ${attempt}/3)`
    );
    world.daemon(
      'kamiwazad-containers.log',
      t + 100_000,
      'INFO',
      'kamiwazad.containers',
      `restarting container ${service} (exit code 1)`
    );
    const newPid = pid + 7 + rng.int(400);
    world.setPid(proc.logger, newPid);
    t += 3 * SECOND;
    world.daemon('kamiwazad-core.log', t, 'INFO', proc.logger, `Started server process [${newPid}]`, { pid: newPid });
    if (attempt < attempts) {
      t += 4 * SECOND;
    }
  }
  world.daemon('kamiwazad-core.log', t + 900_000, 'INFO', proc.logger, 'Application startup complete.', {
    pid: world.pid(proc.logger),
  });
  world.daemon(
    'kamiwazad.log',
    t + 1_500_000,
    'INFO',
    'kamiwazad.supervisor',
    `service ${service} healthy after ${((t + 1_500_000 - start) / SECOND).toFixed(1)}s`
  );
}

/** One address tries passwords against the login endpoint until the auth service blocks it. */
function bruteForce(world: World, start: number): void {
  const { rng, traces } = world;
  const ip = rng.pick(HOSTILE_IPS);
  const userAgent = 'python-requests/2.25.1';
  const blockAfter = 20 + rng.int(20);
  const end = start + (3 + rng.int(4)) * MINUTE;
  let attempts = 0;
  const attempt = (t: number) => {
    attempts++;
    const user: User = { name: rng.pick(GUESSED_USERS), ip, userAgent, weight: 0 };
    if (attempts <= blockAfter) {
      world.emitTrace(traces.build(scenario('login'), t, traces.context({ user }), { reject: 'badCredentials' }));
    } else {
      world.edge(t, {
        clientIp: ip,
        user: '-',
        method: 'POST',
        path: '/api/auth/token',
        status: 429,
        size: 61,
        userAgent,
        durationUs: rng.range(400, 1500),
      });
    }
    if (attempts === blockAfter) {
      const tb = t + 300_000;
      world.app({
        ts: tb,
        level: 'WARNING',
        service: 'kamiwaza.auth',
        message: `Too many failed logins from ${ip}: blocked for 15 minutes`,
        fields: `,"client_ip":"${ip}","failures":${blockAfter}`,
      });
      world.audit({
        ts: tb,
        eventType: 'auth.ip.block',
        actor: 'system:kamiwaza-auth',
        actorIp: ip,
        resource: `ip/${ip}`,
        action: 'update',
        outcome: 'success',
        reason: `${blockAfter} failed logins`,
        requestId: `req-${rng.hex(16)}`,
      });
    }
    const next = t + SECOND + rng.int(5 * SECOND);
    if (next < end) {
      world.schedule(next, attempt);
    }
  };
  world.schedule(start, attempt);
}

/** The OTEL collector is down: every service complains that exports fail. */
function otelOutage(world: World, start: number): void {
  const { rng } = world;
  const end = start + 10 * MINUTE;
  world.daemon(
    'kamiwazad-containers.log',
    start,
    'ERROR',
    'kamiwazad.containers',
    'container kamiwaza-otel-collector exited with code 2'
  );
  world.daemon(
    'kamiwazad.log',
    start + SECOND,
    'ERROR',
    'kamiwazad.health',
    'service otel-collector unhealthy: http://localhost:13133/health unreachable'
  );
  const services = ['kamiwaza.api', 'kamiwaza.serving', 'kamiwaza.models', 'kamiwaza.retrieval', 'kamiwaza.auth'];
  const complain = (t: number) => {
    const signal = rng.pick(['logs', 'metrics', 'traces']);
    world.app({
      ts: t,
      level: 'WARNING',
      service: rng.pick(services),
      message: `Failed to export ${signal} to localhost:4317, error code: StatusCode.UNAVAILABLE`,
      fields: ',"logger":"opentelemetry.exporter.otlp.proto.grpc.exporter"',
    });
    if (rng.chance(0.3)) {
      const proc = rng.pick(CORE_PROCESSES);
      world.daemon(
        'kamiwazad-core.log',
        t + 50_000,
        'WARNING',
        proc.logger,
        `Transient error StatusCode.UNAVAILABLE encountered while exporting ${signal} to localhost:4317, retrying in 8s.`,
        {
          pid: world.pid(proc.logger),
        }
      );
    }
    const next = t + (5 + rng.int(10)) * SECOND;
    if (next < end) {
      world.schedule(next, complain);
    }
  };
  world.schedule(start + 2 * SECOND, complain);
  world.schedule(end, (t) => {
    world.daemon(
      'kamiwazad-containers.log',
      t,
      'INFO',
      'kamiwazad.containers',
      'container kamiwaza-otel-collector started'
    );
    world.daemon('kamiwazad.log', t + 3 * SECOND, 'INFO', 'kamiwazad.health', 'service otel-collector healthy');
  });
}
