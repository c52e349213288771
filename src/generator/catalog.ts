/**
 * The static world the sample data describes: services, models, users, clients and the Python
 * exceptions they raise. Message text here must stay JSON-safe (no `"`, `\` or control chars):
 * the writers put it into JSON without escaping.
 */
import type { PyException } from './records';

export const VERSION = '0.8.1';

export const MODELS = [
  'llama-3.1-8b',
  'llama-3.1-70b-instruct',
  'mistral-7b-instruct-v0.3',
  'qwen2.5-32b-instruct',
  'phi-3-mini-4k-instruct',
  'gemma-2-9b-it',
  'deepseek-r1-distill-qwen-14b',
] as const;

export const EMBEDDING_MODEL = 'bge-large-en-v1.5';

export const COLLECTIONS = ['support-kb', 'contracts-2026', 'eng-wiki', 'hr-policies', 'sales-playbooks'] as const;

export const NODES = ['kz-head-01', 'kz-gpu-01', 'kz-gpu-02', 'kz-gpu-03'] as const;

export interface User {
  name: string;
  ip: string;
  userAgent: string;
  /** Relative share of the traffic. */
  weight: number;
}

export const USERS: readonly User[] = [
  { name: 'alice', ip: '10.0.0.7', userAgent: 'python-requests/2.32.3', weight: 10 },
  { name: 'bob', ip: '10.0.0.12', userAgent: 'OpenAI/Python 1.54.4', weight: 8 },
  {
    name: 'carol',
    ip: '10.0.1.23',
    userAgent:
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    weight: 7,
  },
  {
    name: 'dave',
    ip: '10.0.1.41',
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
    weight: 5,
  },
  { name: 'erin', ip: '10.0.2.8', userAgent: 'kamiwaza-sdk/0.8.1 python/3.11.9', weight: 5 },
  { name: 'svc-ingest', ip: '172.18.0.21', userAgent: 'kamiwaza-sdk/0.8.1 python/3.11.9', weight: 4 },
  { name: 'svc-ci', ip: '10.0.3.5', userAgent: 'curl/8.5.0', weight: 2 },
  {
    name: 'admin',
    ip: '10.0.0.2',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    weight: 1,
  },
];

/** Addresses that hammer the login endpoint during a brute-force incident. */
export const HOSTILE_IPS = ['203.0.113.77', '198.51.100.23', '203.0.113.140'] as const;
export const GUESSED_USERS = ['admin', 'root', 'administrator', 'alice', 'test', 'kamiwaza'] as const;

export const GATEWAY = {
  api: { router: 'kamiwaza-api@docker', url: 'http://172.18.0.5:7777' },
  frontend: { router: 'kamiwaza-frontend@docker', url: 'http://172.18.0.9:3000' },
};

/** Core services kamiwazad supervises, in start-up order. */
export const CORE_SERVICES = [
  { name: 'etcd', container: 'kamiwaza-etcd', image: 'quay.io/coreos/etcd:v3.5.17' },
  { name: 'cockroachdb', container: 'kamiwaza-cockroachdb', image: 'cockroachdb/cockroach:v24.2.4' },
  { name: 'traefik', container: 'kamiwaza-traefik', image: 'traefik:v3.2.1' },
  { name: 'milvus', container: 'kamiwaza-milvus', image: 'milvusdb/milvus:v2.4.17' },
  {
    name: 'otel-collector',
    container: 'kamiwaza-otel-collector',
    image: 'otel/opentelemetry-collector-contrib:0.114.0',
  },
  { name: 'ray', container: 'kamiwaza-ray-head', image: `kamiwaza/ray:${VERSION}` },
  { name: 'kamiwaza-api', container: 'kamiwaza-api', image: `kamiwaza/api:${VERSION}` },
  { name: 'kamiwaza-frontend', container: 'kamiwaza-frontend', image: `kamiwaza/frontend:${VERSION}` },
  { name: 'jupyterhub', container: 'kamiwaza-jupyterhub', image: `kamiwaza/jupyterhub:${VERSION}` },
] as const;

/** Python processes whose stdout/stderr lands in kamiwazad-core.log. */
export const CORE_PROCESSES = [
  { logger: 'kamiwaza.core.api', pid: 4121 },
  { logger: 'kamiwaza.core.worker', pid: 4187 },
  { logger: 'kamiwaza.core.scheduler', pid: 4203 },
  { logger: 'kamiwaza.core.ray', pid: 3870 },
] as const;

export interface ExceptionKind {
  type: string;
  /** `{model}`, `{node}`, `{collection}` are filled in from the trace. */
  message: string;
  /** Traceback frames, innermost last: [file, line, function, source]. */
  frames: ReadonlyArray<readonly [string, number, string, string]>;
  /** The HTTP status the gateway reports when this reaches it. */
  status: number;
}

const KZ = '/opt/kamiwaza/kamiwaza';
const SITE = '/opt/kamiwaza/venv/lib/python3.11/site-packages';

export const EXCEPTIONS = {
  upstreamTimeout: {
    type: 'httpx.ReadTimeout',
    message: 'timed out',
    frames: [
      [
        `${KZ}/serving/client.py`,
        142,
        'forward',
        'response = await self._client.post(url, json=payload, timeout=self.timeout)',
      ],
      [`${SITE}/httpx/_client.py`, 1905, 'post', 'return await self.request('],
      [`${SITE}/httpx/_transports/default.py`, 393, 'handle_async_request', 'with map_httpcore_exceptions():'],
    ],
    status: 504,
  },
  cudaOom: {
    type: 'torch.OutOfMemoryError',
    message:
      'CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.15 GiB of which 1.21 GiB is free. Including non-PyTorch memory, this process has 77.92 GiB memory in use.',
    frames: [
      [`${KZ}/serving/engine/vllm_runner.py`, 211, 'load_model', 'self.llm = LLM(model=model_path, **engine_args)'],
      [
        `${SITE}/vllm/worker/model_runner.py`,
        1093,
        'load_model',
        'self.model = get_model(vllm_config=self.vllm_config)',
      ],
      [`${SITE}/torch/nn/modules/module.py`, 1174, 'to', 'return self._apply(convert)'],
    ],
    status: 500,
  },
  vectordbDown: {
    type: 'pymilvus.exceptions.MilvusException',
    message:
      '<MilvusException: (code=2, message=Fail connecting to server on milvus:19530, illegal connection params or server unavailable)>',
    frames: [
      [
        `${KZ}/vectordb/milvus_store.py`,
        87,
        'search',
        'results = self._collection.search(vectors, anns_field=self.field, param=params, limit=top_k)',
      ],
      [`${SITE}/pymilvus/orm/collection.py`, 801, 'search', 'resp = conn.search('],
      [
        `${SITE}/pymilvus/decorators.py`,
        147,
        'handler',
        'raise MilvusException(message=f"{to_msg}, message={e.details()}")',
      ],
    ],
    status: 503,
  },
  dbDown: {
    type: 'sqlalchemy.exc.OperationalError',
    message:
      '(psycopg2.OperationalError) connection to server at cockroachdb (172.18.0.3), port 26257 failed: Connection refused',
    frames: [
      [`${KZ}/models/repository.py`, 64, 'get_model', 'row = session.execute(stmt).scalar_one_or_none()'],
      [`${SITE}/sqlalchemy/orm/session.py`, 2362, 'execute', 'return self._execute_internal('],
      [`${SITE}/sqlalchemy/engine/base.py`, 146, '__init__', 'self._dbapi_connection = engine.raw_connection()'],
    ],
    status: 500,
  },
  rayActorDied: {
    type: 'ray.exceptions.RayActorError',
    message: 'The actor died unexpectedly before finishing this task. The actor was on node {node}.',
    frames: [
      [`${KZ}/serving/router.py`, 156, 'route', 'return await handle.generate.remote(request)'],
      [`${SITE}/ray/serve/handle.py`, 444, '__await__', 'result = yield from replica_result.get_async().__await__()'],
    ],
    status: 502,
  },
  weightsMissing: {
    type: 'FileNotFoundError',
    message: "[Errno 2] No such file or directory: '/opt/kamiwaza/models/{model}/config.json'",
    frames: [[`${KZ}/catalog/downloader.py`, 198, 'verify', 'with open(os.path.join(path, "config.json")) as fh:']],
    status: 500,
  },
  embeddingShape: {
    type: 'ValueError',
    message: 'embedding dimension mismatch for collection {collection}: expected 1024, got 768',
    frames: [
      [`${KZ}/ingestion/pipeline.py`, 233, 'embed_batch', 'self.store.upsert(collection, vectors, metadata)'],
      [
        `${KZ}/vectordb/milvus_store.py`,
        121,
        'upsert',
        'raise ValueError(f"embedding dimension mismatch for collection {name}: expected {dim}, got {got}")',
      ],
    ],
    status: 500,
  },
  gpuAllocation: {
    type: 'kamiwaza.cluster.errors.ResourceUnavailable',
    message: 'no node can satisfy request: gpus=2, memory=160GiB (free: {node} gpus=1)',
    frames: [
      [`${KZ}/cluster/scheduler.py`, 301, 'allocate', 'raise ResourceUnavailable(self._describe(request, free))'],
    ],
    status: 503,
  },
  tokenDecode: {
    type: 'jose.exceptions.JWTError',
    message: 'Signature verification failed.',
    frames: [
      [
        `${KZ}/auth/tokens.py`,
        58,
        'decode',
        'claims = jwt.decode(token, self._key, algorithms=["RS256"], audience="kamiwaza")',
      ],
      [`${SITE}/jose/jws.py`, 262, '_verify_signature', 'raise JWSSignatureError()'],
    ],
    status: 500,
  },
} satisfies Record<string, ExceptionKind>;

export type ExceptionName = keyof typeof EXCEPTIONS;

/** The exception's message with the trace's names filled in. */
export function exceptionMessage(
  kind: ExceptionKind,
  vars: { model: string; node: string; collection: string }
): string {
  return kind.message
    .replace('{model}', vars.model)
    .replace('{node}', vars.node)
    .replace('{collection}', vars.collection);
}

export function pyException(kind: ExceptionKind, message: string): PyException {
  let text = 'Traceback (most recent call last):';
  for (const [file, line, fn, source] of kind.frames) {
    text += `\n  File "${file}", line ${line}, in ${fn}\n    ${source}`;
  }
  text += `\n${kind.type}: ${message}`;
  return { text, json: JSON.stringify(text) };
}
