/**
 * kamiwazad's orchestration sequences: platform start-up, and the container work that follows
 * a model deploy or delete.
 */
import { CORE_PROCESSES, CORE_SERVICES, VERSION } from './catalog';
import type { BuiltTrace } from './trace';
import { SECOND, World } from './world';

const SERVICES_LOGGING_AT_START = [
  'kamiwaza.api',
  'kamiwaza.auth',
  'kamiwaza.serving',
  'kamiwaza.models',
  'kamiwaza.catalog',
  'kamiwaza.cluster',
  'kamiwaza.retrieval',
  'kamiwaza.vectordb',
  'kamiwaza.ingestion',
];

export const RUNTIME_IMAGE = `kamiwaza/vllm-runtime:${VERSION}`;

export const modelContainer = (deploymentId: string) => `kamiwaza-model-${deploymentId}`;

/** kamiwazad starting every core service in order, with the containers and processes it brings up. */
export function startup(world: World, startUs: number): number {
  const { rng } = world;
  let t = startUs;
  const kd = (level: 'INFO' | 'WARNING' | 'DEBUG', logger: string, message: string) =>
    world.daemon('kamiwazad.log', t, level, logger, message);
  const ct = (message: string) => world.daemon('kamiwazad-containers.log', t, 'INFO', 'kamiwazad.containers', message);
  kd('INFO', 'kamiwazad.main', `kamiwazad ${VERSION} starting (pid 1021, KAMIWAZA_ROOT=/opt/kamiwaza)`);
  // The shared logging setup opens the application logs first, so they start with the platform.
  world.app({
    ts: t,
    level: 'INFO',
    service: 'kamiwaza.api',
    message: 'Logging configured: level INFO, files in /opt/kamiwaza/logs, OTEL export enabled',
    fields: `,"version":"${VERSION}"`,
  });
  t += 40_000;
  kd(
    'INFO',
    'kamiwazad.config',
    'loaded /opt/kamiwaza/env.sh (KAMIWAZA_OTEL_ENABLED=true, KAMIWAZA_LOKI_ENABLED=false, KAMIWAZA_LOG_LEVEL=INFO)'
  );
  t += 5_000;
  kd('DEBUG', 'kamiwazad.config', 'KAMIWAZA_LOG_DIR=/opt/kamiwaza/logs, KAMIWAZA_DISABLE_SYSLOG=true');
  for (const svc of CORE_SERVICES) {
    t += 200_000 + rng.int(800_000);
    kd('INFO', 'kamiwazad.supervisor', `starting service ${svc.name} (attempt 1/3)`);
    t += 30_000;
    ct(`creating container ${svc.container} from image ${svc.image}`);
    t += 300_000 + rng.int(700_000);
    ct(`container ${svc.container} started (id=${rng.hex(12)})`);
    let healthyAfter = 0.8 + rng.float() * 3;
    if (svc.name === 'ray' || (svc.name === 'milvus' && rng.chance(0.5))) {
      t += 5 * SECOND;
      kd(
        'WARNING',
        'kamiwazad.supervisor',
        `service ${svc.name} health check failed: connection refused, retrying (attempt 2/3)`
      );
      healthyAfter += 6;
    }
    if (svc.name === 'kamiwaza-api') {
      for (const proc of CORE_PROCESSES) {
        const core = (message: string) =>
          world.daemon('kamiwazad-core.log', t, 'INFO', proc.logger, message, { pid: world.pid(proc.logger) });
        t += 50_000;
        core(`Started server process [${world.pid(proc.logger)}]`);
        t += 900_000;
        core('Application startup complete.');
      }
      world.daemon(
        'kamiwazad-core.log',
        t,
        'INFO',
        'kamiwaza.core.api',
        'Uvicorn running on http://0.0.0.0:7777 (Press CTRL+C to quit)',
        {
          pid: world.pid('kamiwaza.core.api'),
        }
      );
      for (const service of SERVICES_LOGGING_AT_START) {
        t += 10_000 + rng.int(40_000);
        world.app({
          ts: t,
          level: 'INFO',
          service,
          message: `Service started (version ${VERSION})`,
          fields: `,"version":"${VERSION}","pid":${world.pid('kamiwaza.core.api')}`,
        });
      }
    }
    t += healthyAfter * SECOND;
    kd('INFO', 'kamiwazad.supervisor', `service ${svc.name} healthy after ${healthyAfter.toFixed(1)}s`);
  }
  kd(
    'INFO',
    'kamiwazad.main',
    `all ${CORE_SERVICES.length} services running (startup took ${((t - startUs) / SECOND).toFixed(1)}s)`
  );
  return t;
}

/** After a successful deploy request: the model container comes up and the deployment turns ready. */
export function afterDeploy(world: World, trace: BuiltTrace): void {
  const { rng } = world;
  const { deploymentId, model, node } = trace.ctx;
  const container = modelContainer(deploymentId);
  const t0 = trace.endUs + SECOND + rng.int(2 * SECOND);
  world.schedule(t0, (t) => {
    world.daemon(
      'kamiwazad-containers.log',
      t,
      'INFO',
      'kamiwazad.containers',
      `creating container ${container} from image ${RUNTIME_IMAGE} (gpus=1, node=${node})`
    );
    world.daemon(
      'kamiwazad-containers.log',
      t + 400_000,
      'INFO',
      'kamiwazad.containers',
      `container ${container} started (id=${rng.hex(12)})`
    );
  });
  const ready = t0 + 40 * SECOND + rng.int(120 * SECOND);
  world.schedule(ready, (t) => {
    world.daemon(
      'kamiwazad.log',
      t,
      'INFO',
      'kamiwazad.deployments',
      `deployment ${deploymentId} (${model}) running on ${node}`
    );
    world.app({
      ts: t + 2_000,
      level: 'INFO',
      service: 'kamiwaza.serving',
      message: 'Model deployed successfully',
      traceId: trace.traceId,
      spanId: rng.hex(16),
      fields: `,"model_id":"${model}","deployment_id":"${deploymentId}","node":"${node}"`,
    });
  });
}

/** After a model delete: its container is stopped and removed. */
export function afterUndeploy(world: World, trace: BuiltTrace): void {
  const container = modelContainer(trace.ctx.deploymentId);
  world.schedule(trace.endUs + 500_000, (t) => {
    world.daemon(
      'kamiwazad-containers.log',
      t,
      'INFO',
      'kamiwazad.containers',
      `stopping container ${container} (timeout 30s)`
    );
    world.daemon(
      'kamiwazad-containers.log',
      t + 2 * SECOND,
      'INFO',
      'kamiwazad.containers',
      `container ${container} exited with code 0`
    );
    world.daemon(
      'kamiwazad-containers.log',
      t + 2_300_000,
      'INFO',
      'kamiwazad.containers',
      `removed container ${container}`
    );
  });
}
