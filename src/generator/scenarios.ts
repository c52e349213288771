/**
 * What happens inside Kamiwaza for each kind of request: the services a request crosses (a tree
 * of operations), the messages each operation logs, what can go wrong where, and the audit event
 * it leaves. `trace.ts` turns a scenario into timed, correlated records.
 */
import { EMBEDDING_MODEL, type ExceptionName, type User } from './catalog';

/** The names one trace is about; messages and paths are filled from it. */
export interface TraceContext {
  user: User;
  model: string;
  deploymentId: string;
  collection: string;
  node: string;
  promptTokens: number;
  completionTokens: number;
  topK: number;
  documents: number;
  jobId: string;
  keyId: string;
  targetUser: string;
}

export interface Op {
  service: string;
  /** Used in failure messages: "<label> failed: ...". */
  label: string;
  /** Logged at DEBUG when the span starts (on part of the spans, as real services do). */
  begin?: (c: TraceContext) => string;
  /** Logged at INFO when the span ends successfully. */
  end: (c: TraceContext) => string;
  /** Extra JSON members for the end event, each starting with a comma. */
  fields?: (c: TraceContext) => string;
  /** Median time spent in the span itself, outside its children. */
  medianMs: number;
  /** What this operation can raise. */
  errors?: ExceptionName[];
}

export interface SpanNode {
  op: Op;
  children?: SpanNode[];
}

export type RejectName = 'badCredentials' | 'unauthorized' | 'forbidden' | 'notFound' | 'rateLimited' | 'invalid';

export interface Reject {
  status: number;
  /** The service that rejects the request (the first span of it in the tree). */
  service: string;
  message: (c: TraceContext) => string;
}

export const REJECTS: Record<RejectName, Reject> = {
  badCredentials: {
    status: 401,
    service: 'kamiwaza.auth',
    message: (c) => `Invalid credentials for user ${c.user.name}`,
  },
  unauthorized: { status: 401, service: 'kamiwaza.auth', message: () => 'Invalid or expired access token' },
  forbidden: {
    status: 403,
    service: 'kamiwaza.auth',
    message: (c) => `Permission denied: user ${c.user.name} lacks role model-admin`,
  },
  notFound: { status: 404, service: 'kamiwaza.models', message: (c) => `Model ${c.model} not found` },
  rateLimited: {
    status: 429,
    service: 'kamiwaza.api',
    message: (c) => `Rate limit exceeded for ${c.user.name} (120 requests/min)`,
  },
  invalid: {
    status: 422,
    service: 'kamiwaza.api',
    message: () => 'Request validation failed: field required (body.messages)',
  },
};

export interface HttpSpec {
  method: string;
  path: (c: TraceContext) => string;
  /** Response size range in bytes on success. */
  size: readonly [number, number];
  /** Success status. */
  status: number;
}

export interface AuditSpec {
  eventType: string;
  action: string;
  resource: (c: TraceContext) => string;
}

/** Work that continues after the request: the simulation writes its container/daemon lines. */
export type Effect = 'deploy' | 'undeploy';

export interface Scenario {
  name: string;
  weight: number;
  http?: HttpSpec;
  tree: SpanNode;
  rejects?: RejectName[];
  audit?: AuditSpec;
  effect?: Effect;
}

const tokens = (c: TraceContext) =>
  `,"model_id":"${c.model}","tokens":{"prompt":${c.promptTokens},"completion":${c.completionTokens}}`;

export const OPS = {
  authValidate: {
    service: 'kamiwaza.auth',
    label: 'Token validation',
    begin: () => 'Validating bearer token',
    end: (c) => `Token valid for user ${c.user.name}`,
    fields: (c) => `,"user_id":"${c.user.name}"`,
    medianMs: 4,
    errors: ['tokenDecode', 'dbDown'],
  },
  authLogin: {
    service: 'kamiwaza.auth',
    label: 'Login',
    begin: (c) => `Authenticating user ${c.user.name}`,
    end: (c) => `User ${c.user.name} logged in`,
    fields: (c) => `,"user_id":"${c.user.name}","auth_method":"password"`,
    medianMs: 120,
    errors: ['dbDown'],
  },
  authLogout: {
    service: 'kamiwaza.auth',
    label: 'Logout',
    end: (c) => `Session closed for ${c.user.name}`,
    fields: (c) => `,"user_id":"${c.user.name}"`,
    medianMs: 6,
  },
  authCreateKey: {
    service: 'kamiwaza.auth',
    label: 'API key creation',
    end: (c) => `API key ${c.keyId} created for ${c.user.name}`,
    fields: (c) => `,"user_id":"${c.user.name}","key_id":"${c.keyId}"`,
    medianMs: 18,
    errors: ['dbDown'],
  },
  authRevokeKey: {
    service: 'kamiwaza.auth',
    label: 'API key revocation',
    end: (c) => `API key ${c.keyId} revoked`,
    fields: (c) => `,"user_id":"${c.user.name}","key_id":"${c.keyId}"`,
    medianMs: 15,
    errors: ['dbDown'],
  },
  authRoles: {
    service: 'kamiwaza.auth',
    label: 'Role update',
    end: (c) => `Roles of ${c.targetUser} updated to [model-user, model-admin]`,
    fields: (c) => `,"user_id":"${c.user.name}","target_user":"${c.targetUser}","roles":["model-user","model-admin"]`,
    medianMs: 20,
    errors: ['dbDown'],
  },
  servingRoute: {
    service: 'kamiwaza.serving',
    label: 'Inference routing',
    begin: (c) => `Routing request to deployment ${c.deploymentId}`,
    end: (c) => `Inference completed on deployment ${c.deploymentId}`,
    fields: (c) => `,"model_id":"${c.model}","deployment_id":"${c.deploymentId}"`,
    medianMs: 6,
    errors: ['rayActorDied'],
  },
  engineGenerate: {
    service: 'serving',
    label: 'Generation',
    begin: (c) => `Scheduling generation (${c.promptTokens} prompt tokens)`,
    end: (c) => `Generated ${c.completionTokens} tokens`,
    fields: tokens,
    medianMs: 850,
    errors: ['upstreamTimeout', 'cudaOom'],
  },
  engineEmbed: {
    service: 'serving',
    label: 'Embedding',
    end: (c) => `Embedded ${c.documents} texts`,
    fields: (c) => `,"model_id":"${EMBEDDING_MODEL}","batch_size":${c.documents}`,
    medianMs: 45,
    errors: ['upstreamTimeout'],
  },
  servingEmbed: {
    service: 'kamiwaza.serving',
    label: 'Embedding request',
    end: () => `Embedding request served by ${EMBEDDING_MODEL}`,
    fields: () => `,"model_id":"${EMBEDDING_MODEL}"`,
    medianMs: 3,
  },
  servingList: {
    service: 'kamiwaza.serving',
    label: 'Deployment listing',
    end: () => 'Listed active deployments',
    fields: (c) => `,"count":${3 + (c.topK % 4)}`,
    medianMs: 9,
    errors: ['dbDown'],
  },
  servingDeploy: {
    service: 'kamiwaza.serving',
    label: 'Model deployment',
    begin: (c) => `Deploying model ${c.model}`,
    end: (c) => `Deployment ${c.deploymentId} scheduled for ${c.model}`,
    fields: (c) => `,"model_id":"${c.model}","deployment_id":"${c.deploymentId}","engine":"vllm","gpus":1`,
    medianMs: 60,
    errors: ['dbDown'],
  },
  servingStop: {
    service: 'kamiwaza.serving',
    label: 'Deployment stop',
    end: (c) => `Deployment ${c.deploymentId} stopped`,
    fields: (c) => `,"deployment_id":"${c.deploymentId}"`,
    medianMs: 40,
    errors: ['rayActorDied'],
  },
  engineLoad: {
    service: 'serving',
    label: 'Model load',
    begin: (c) => `Loading weights for ${c.model}`,
    end: (c) => `Model ${c.model} loaded on ${c.node}`,
    fields: (c) => `,"model_id":"${c.model}","node":"${c.node}","load_seconds":${(c.promptTokens % 90) + 20}`,
    medianMs: 2400,
    errors: ['cudaOom'],
  },
  modelsList: {
    service: 'kamiwaza.models',
    label: 'Model listing',
    end: () => 'Listed registered models',
    fields: () => `,"count":8`,
    medianMs: 12,
    errors: ['dbDown'],
  },
  modelsGet: {
    service: 'kamiwaza.models',
    label: 'Model lookup',
    end: (c) => `Loaded model record ${c.model}`,
    fields: (c) => `,"model_id":"${c.model}"`,
    medianMs: 5,
    errors: ['dbDown'],
  },
  modelsResolve: {
    service: 'kamiwaza.models',
    label: 'Model resolution',
    end: (c) => `Resolved ${c.model} to /opt/kamiwaza/models/${c.model}`,
    fields: (c) => `,"model_id":"${c.model}","format":"safetensors"`,
    medianMs: 8,
    errors: ['dbDown', 'weightsMissing'],
  },
  modelsDelete: {
    service: 'kamiwaza.models',
    label: 'Model deletion',
    end: (c) => `Model ${c.model} deleted`,
    fields: (c) => `,"model_id":"${c.model}"`,
    medianMs: 30,
    errors: ['dbDown'],
  },
  modelsRegister: {
    service: 'kamiwaza.models',
    label: 'Model registration',
    end: (c) => `Registered model ${c.model}`,
    fields: (c) => `,"model_id":"${c.model}"`,
    medianMs: 14,
    errors: ['dbDown'],
  },
  catalogSearch: {
    service: 'kamiwaza.catalog',
    label: 'Catalog search',
    end: (c) => `Catalog search returned ${c.topK} models`,
    fields: (c) => `,"query":"${c.model.split('-')[0]}","results":${c.topK}`,
    medianMs: 35,
  },
  catalogDownload: {
    service: 'kamiwaza.catalog',
    label: 'Model download',
    begin: (c) => `Starting download of ${c.model} from huggingface.co`,
    end: (c) => `Download of ${c.model} queued`,
    fields: (c) => `,"model_id":"${c.model}","repo":"huggingface","files":${c.documents}`,
    medianMs: 80,
    errors: ['weightsMissing'],
  },
  catalogSync: {
    service: 'kamiwaza.catalog',
    label: 'Catalog sync',
    begin: () => 'Syncing model catalog from hub',
    end: () => 'Catalog sync finished',
    fields: (c) => `,"updated":${c.topK % 3}`,
    medianMs: 900,
  },
  clusterAllocate: {
    service: 'kamiwaza.cluster',
    label: 'GPU allocation',
    end: (c) => `Allocated 1 GPU on ${c.node}`,
    fields: (c) => `,"node":"${c.node}","gpus":1`,
    medianMs: 25,
    errors: ['gpuAllocation'],
  },
  clusterList: {
    service: 'kamiwaza.cluster',
    label: 'Node listing',
    end: () => 'Listed cluster nodes',
    fields: () => `,"nodes":4,"gpus_free":3`,
    medianMs: 15,
  },
  clusterReconcile: {
    service: 'kamiwaza.cluster',
    label: 'Reconciliation',
    begin: () => 'Reconciling deployments with Ray state',
    end: () => 'Reconciliation complete',
    fields: (c) => `,"deployments":${3 + (c.topK % 4)},"drift":0`,
    medianMs: 40,
  },
  servingStatus: {
    service: 'kamiwaza.serving',
    label: 'Deployment status',
    end: (c) => `Deployment ${c.deploymentId} healthy`,
    fields: (c) => `,"deployment_id":"${c.deploymentId}","replicas":1`,
    medianMs: 10,
    errors: ['rayActorDied'],
  },
  retrievalSearch: {
    service: 'kamiwaza.retrieval',
    label: 'Retrieval',
    begin: (c) => `Retrieving context from ${c.collection}`,
    end: (c) => `Retrieved ${c.topK} chunks from ${c.collection}`,
    fields: (c) => `,"collection":"${c.collection}","top_k":${c.topK}`,
    medianMs: 12,
  },
  vectordbSearch: {
    service: 'kamiwaza.vectordb',
    label: 'Vector search',
    end: (c) => `Search on ${c.collection} returned ${c.topK} hits`,
    fields: (c) => `,"collection":"${c.collection}","top_k":${c.topK},"index":"HNSW"`,
    medianMs: 18,
    errors: ['vectordbDown'],
  },
  vectordbUpsert: {
    service: 'kamiwaza.vectordb',
    label: 'Vector upsert',
    end: (c) => `Upserted ${c.documents} vectors into ${c.collection}`,
    fields: (c) => `,"collection":"${c.collection}","vectors":${c.documents}`,
    medianMs: 30,
    errors: ['vectordbDown', 'embeddingShape'],
  },
  vectordbEnsure: {
    service: 'kamiwaza.vectordb',
    label: 'Collection check',
    end: (c) => `Collection ${c.collection} ready`,
    fields: (c) => `,"collection":"${c.collection}"`,
    medianMs: 7,
    errors: ['vectordbDown'],
  },
  ingestionSubmit: {
    service: 'kamiwaza.ingestion',
    label: 'Ingestion submit',
    end: (c) => `Ingestion job ${c.jobId} queued (${c.documents} documents)`,
    fields: (c) => `,"job_id":"${c.jobId}","documents":${c.documents}`,
    medianMs: 20,
  },
  ingestionStatus: {
    service: 'kamiwaza.ingestion',
    label: 'Job lookup',
    end: (c) => `Job ${c.jobId} status running`,
    fields: (c) => `,"job_id":"${c.jobId}"`,
    medianMs: 4,
  },
  ingestionBatch: {
    service: 'kamiwaza.ingestion',
    label: 'Ingestion batch',
    begin: (c) => `Processing batch of job ${c.jobId}`,
    end: (c) => `Batch of job ${c.jobId} indexed`,
    fields: (c) => `,"job_id":"${c.jobId}","documents":${c.documents},"chunks":${c.documents * 7}`,
    medianMs: 150,
    errors: ['embeddingShape'],
  },
} satisfies Record<string, Op>;

/** The gateway-facing root of every HTTP trace. */
export const API_OP: Op = {
  service: 'kamiwaza.api',
  label: 'Request',
  end: () => 'Request completed',
  medianMs: 3,
  errors: ['dbDown'],
};

const api = (...children: SpanNode[]): SpanNode => ({ op: API_OP, children });
const n = (op: Op, ...children: SpanNode[]): SpanNode => ({ op, children });
const auth = n(OPS.authValidate);

export const HTTP_SCENARIOS: Scenario[] = [
  {
    name: 'chat',
    weight: 34,
    http: {
      method: 'POST',
      path: (c) => `/api/serving/deployments/${c.deploymentId}/v1/chat/completions`,
      size: [600, 6000],
      status: 200,
    },
    tree: api(auth, n(OPS.servingRoute, n(OPS.engineGenerate))),
    rejects: ['unauthorized', 'rateLimited', 'invalid'],
  },
  {
    name: 'rag',
    weight: 10,
    http: { method: 'POST', path: () => '/api/retrieval/query', size: [900, 8000], status: 200 },
    tree: api(
      auth,
      n(OPS.retrievalSearch, n(OPS.servingEmbed, n(OPS.engineEmbed)), n(OPS.vectordbSearch)),
      n(OPS.servingRoute, n(OPS.engineGenerate))
    ),
    rejects: ['unauthorized', 'rateLimited'],
  },
  {
    name: 'models.list',
    weight: 10,
    http: { method: 'GET', path: () => '/api/models', size: [2000, 9000], status: 200 },
    tree: api(auth, n(OPS.modelsList)),
    rejects: ['unauthorized'],
  },
  {
    name: 'models.get',
    weight: 5,
    http: { method: 'GET', path: (c) => `/api/models/${c.model}`, size: [400, 1500], status: 200 },
    tree: api(auth, n(OPS.modelsGet)),
    rejects: ['notFound', 'unauthorized'],
  },
  {
    name: 'deployments.list',
    weight: 8,
    http: { method: 'GET', path: () => '/api/serving/deployments', size: [800, 4000], status: 200 },
    tree: api(auth, n(OPS.servingList)),
    rejects: ['unauthorized'],
  },
  {
    name: 'catalog.search',
    weight: 6,
    http: {
      method: 'GET',
      path: (c) => `/api/catalog/models?q=${c.model.split('-')[0]}`,
      size: [1500, 12000],
      status: 200,
    },
    tree: api(n(OPS.catalogSearch)),
    rejects: ['rateLimited'],
  },
  {
    name: 'catalog.download',
    weight: 1.5,
    http: { method: 'POST', path: (c) => `/api/catalog/models/${c.model}/download`, size: [200, 400], status: 202 },
    tree: api(auth, n(OPS.catalogDownload, n(OPS.modelsRegister))),
    rejects: ['forbidden'],
    audit: { eventType: 'catalog.download', action: 'create', resource: (c) => `model/${c.model}` },
  },
  {
    name: 'deploy',
    weight: 1.5,
    http: { method: 'POST', path: () => '/api/serving/deploy', size: [300, 600], status: 202 },
    tree: api(auth, n(OPS.servingDeploy, n(OPS.modelsResolve), n(OPS.clusterAllocate))),
    rejects: ['forbidden', 'notFound'],
    audit: { eventType: 'model.deploy', action: 'create', resource: (c) => `model/${c.model}` },
    effect: 'deploy',
  },
  {
    name: 'undeploy',
    weight: 0.8,
    http: { method: 'DELETE', path: (c) => `/api/models/${c.model}`, size: [0, 120], status: 200 },
    tree: api(auth, n(OPS.modelsDelete, n(OPS.servingStop))),
    rejects: ['forbidden', 'notFound'],
    audit: { eventType: 'model.delete', action: 'delete', resource: (c) => `model/${c.model}` },
    effect: 'undeploy',
  },
  {
    name: 'cluster.nodes',
    weight: 5,
    http: { method: 'GET', path: () => '/api/cluster/nodes', size: [1200, 3000], status: 200 },
    tree: api(n(OPS.clusterList)),
  },
  {
    name: 'vector.search',
    weight: 5,
    http: {
      method: 'POST',
      path: (c) => `/api/vectordb/collections/${c.collection}/search`,
      size: [700, 5000],
      status: 200,
    },
    tree: api(auth, n(OPS.vectordbSearch)),
    rejects: ['unauthorized', 'invalid'],
  },
  {
    name: 'ingestion.submit',
    weight: 3,
    http: { method: 'POST', path: () => '/api/ingestion/jobs', size: [150, 300], status: 201 },
    tree: api(auth, n(OPS.ingestionSubmit, n(OPS.vectordbEnsure))),
    rejects: ['unauthorized', 'invalid'],
  },
  {
    name: 'ingestion.status',
    weight: 2,
    http: { method: 'GET', path: (c) => `/api/ingestion/jobs/${c.jobId}`, size: [200, 500], status: 200 },
    tree: api(n(OPS.ingestionStatus)),
  },
  {
    name: 'login',
    weight: 4,
    http: { method: 'POST', path: () => '/api/auth/token', size: [900, 1100], status: 200 },
    tree: api(n(OPS.authLogin)),
    rejects: ['badCredentials'],
    audit: { eventType: 'auth.login', action: 'login', resource: (c) => `user/${c.user.name}` },
  },
  {
    name: 'logout',
    weight: 1,
    http: { method: 'POST', path: () => '/api/auth/logout', size: [0, 40], status: 204 },
    tree: api(n(OPS.authLogout)),
    audit: { eventType: 'auth.logout', action: 'logout', resource: (c) => `user/${c.user.name}` },
  },
  {
    name: 'apikey.create',
    weight: 0.5,
    http: { method: 'POST', path: () => '/api/auth/api-keys', size: [200, 300], status: 201 },
    tree: api(n(OPS.authCreateKey)),
    audit: { eventType: 'auth.token.create', action: 'create', resource: (c) => `api_key/${c.keyId}` },
  },
  {
    name: 'apikey.revoke',
    weight: 0.3,
    http: { method: 'DELETE', path: (c) => `/api/auth/api-keys/${c.keyId}`, size: [0, 40], status: 204 },
    tree: api(n(OPS.authRevokeKey)),
    rejects: ['forbidden'],
    audit: { eventType: 'api_key.revoke', action: 'delete', resource: (c) => `api_key/${c.keyId}` },
  },
  {
    name: 'permission.change',
    weight: 0.3,
    http: { method: 'PUT', path: (c) => `/api/auth/users/${c.targetUser}/roles`, size: [100, 200], status: 200 },
    tree: api(n(OPS.authRoles)),
    rejects: ['forbidden'],
    audit: { eventType: 'permission.change', action: 'update', resource: (c) => `user/${c.targetUser}` },
  },
];

/** Work that starts inside the platform (workers, schedulers), traced but not through the gateway. */
export const INTERNAL_SCENARIOS: Scenario[] = [
  {
    name: 'ingestion.batch',
    weight: 5,
    tree: n(OPS.ingestionBatch, n(OPS.servingEmbed, n(OPS.engineEmbed)), n(OPS.vectordbUpsert)),
  },
  { name: 'cluster.reconcile', weight: 3, tree: n(OPS.clusterReconcile, n(OPS.servingStatus)) },
  { name: 'catalog.sync', weight: 1, tree: n(OPS.catalogSync, n(OPS.modelsRegister)) },
];

/** A deployment attempt by the serving worker (what fails repeatedly in a deploy incident). */
export const DEPLOY_ATTEMPT: Scenario = {
  name: 'deploy.attempt',
  weight: 0,
  tree: n(
    { ...OPS.servingDeploy, begin: (c) => `Starting replica for deployment ${c.deploymentId}` },
    n(OPS.modelsResolve),
    n(OPS.clusterAllocate),
    n(OPS.engineLoad)
  ),
};
