/**
 * The gRPC server Grafana talks to: pluginv2 Data/Resource/Diagnostics/Stream, go-plugin's
 * GRPCController and grpc.health.v1. Every method is wrapped so that a failing handler answers a
 * clean status (QueryData: per refId), is logged, and is counted in the metrics.
 */
import * as grpc from '@grpc/grpc-js';

import { frameToArrow } from './frames/arrow';
import { IdleCollector } from './idleCollector';
import { errorMessage, grpcCodeOf, httpStatusOf, PluginError, type PluginHandlers } from './handlers';
import type { Logger } from './logger';
import {
  type DataQuery,
  type DataResponse,
  HEALTH_STATUS_CODES,
  jsonResponse,
  type QueryDataRequest,
  type ResourceResponse,
  STREAM_STATUS_CODES,
  type StreamReply,
  toCallResourceRequest,
  toCheckHealthRequest,
  toProtoHeaders,
  toQueryDataRequest,
  toStreamRequest,
} from './messages';
import { RequestMetrics } from './metrics';
import { loadPackageDefinition } from './proto';

/** Go SDK server limits: receive 16 MiB (Grafana may send more; we allow 64 MiB), send unlimited. */
export const SERVER_OPTIONS: grpc.ServerOptions = {
  'grpc.max_receive_message_length': 64 * 1024 * 1024,
  'grpc.max_send_message_length': -1,
};

export interface PluginServerOptions {
  handlers: PluginHandlers;
  logger: Logger;
  /** Called after the Shutdown reply has been handed to the transport. */
  onShutdown: () => void;
  metrics?: RequestMetrics;
  /** Frees finished calls' memory once calls pause (default: a full collection after 1 s). */
  idleCollector?: IdleCollector;
}

type Decoded = Record<string, unknown>;
type UnaryImpl = (request: Decoded, call: grpc.ServerUnaryCall<Decoded, unknown>) => Promise<unknown>;
type StreamImpl = (call: grpc.ServerWritableStream<Decoded, unknown>, signal: AbortSignal) => Promise<void>;

export function createPluginServer(options: PluginServerOptions): grpc.Server {
  const { handlers, logger } = options;
  const metrics = options.metrics ?? new RequestMetrics();
  const idle = options.idleCollector ?? new IdleCollector();
  const server = new grpc.Server(SERVER_OPTIONS);

  const root = grpc.loadPackageDefinition(loadPackageDefinition()) as any;

  const finish = (method: string, started: number, code: grpc.status, error?: unknown) => {
    metrics.record(method, grpc.status[code] ?? String(code), (performance.now() - started) / 1000);
    if (error !== undefined) {
      logger.error('call failed', { method, code: grpc.status[code], error });
    }
  };

  const unary = (method: string, impl: UnaryImpl) => {
    return (call: grpc.ServerUnaryCall<Decoded, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      const started = performance.now();
      const ended = idle.begin();
      impl(call.request, call).then(
        (reply) => {
          callback(null, reply);
          finish(method, started, grpc.status.OK);
          ended();
        },
        (error: unknown) => {
          const code = grpcCodeOf(error);
          callback({ code, details: errorMessage(error) });
          finish(method, started, code, error);
          ended();
        }
      );
    };
  };

  /** `live`: a stream that lasts as long as someone watches (a tail), which must not hold collection off. */
  const serverStream = (method: string, impl: StreamImpl, live = false) => {
    return (call: grpc.ServerWritableStream<Decoded, unknown>) => {
      const started = performance.now();
      const ended = live ? () => {} : idle.begin();
      const abort = new AbortController();
      call.on('cancelled', () => abort.abort());
      call.on('error', () => abort.abort());
      impl(call, abort.signal).then(
        () => {
          call.end();
          finish(method, started, abort.signal.aborted ? grpc.status.CANCELLED : grpc.status.OK);
          ended();
        },
        (error: unknown) => {
          const code = abort.signal.aborted ? grpc.status.CANCELLED : grpcCodeOf(error);
          if (!abort.signal.aborted) {
            call.emit('error', { code, details: errorMessage(error) });
          }
          finish(method, started, code, abort.signal.aborted ? undefined : error);
          ended();
        }
      );
    };
  };

  const unimplemented = (what: string) => new PluginError(`${what} is not implemented by this plugin`, 501);

  const answerQuery = async (query: DataQuery, request: QueryDataRequest, signal: AbortSignal) => {
    try {
      if (!handlers.query) {
        throw unimplemented('QueryData');
      }
      return encodeDataResponse(await handlers.query(query, request, signal), query.refId);
    } catch (error) {
      const status = httpStatusOf(error);
      (status >= 500 ? logger.error : logger.warn)('query failed', { refId: query.refId, status, error });
      return encodeDataResponse(
        {
          frames: [],
          error: errorMessage(error),
          status,
          errorSource: error instanceof PluginError ? error.errorSource : 'plugin',
        },
        query.refId
      );
    }
  };

  server.addService(root.pluginv2.Data.service, {
    QueryData: unary('QueryData', async (raw, call) => {
      const request = toQueryDataRequest(raw);
      const abort = new AbortController();
      call.on('cancelled', () => abort.abort());
      const answers = await Promise.all(request.queries.map((query) => answerQuery(query, request, abort.signal)));
      const responses: Record<string, unknown> = {};
      request.queries.forEach((query, index) => {
        responses[query.refId] = answers[index];
      });
      return { responses };
    }),
  });

  server.addService(root.pluginv2.Resource.service, {
    CallResource: serverStream('CallResource', async (call, signal) => {
      const request = toCallResourceRequest(call.request);
      let response: ResourceResponse;
      try {
        if (!handlers.callResource) {
          throw unimplemented('CallResource');
        }
        response = await handlers.callResource(request, signal);
      } catch (error) {
        const status = httpStatusOf(error);
        (status >= 500 ? logger.error : logger.warn)('resource call failed', { path: request.path, status, error });
        response = jsonResponse(status, { message: errorMessage(error) });
      }
      await writeResource(call, response, signal);
    }),
  });

  server.addService(root.pluginv2.Diagnostics.service, {
    CheckHealth: unary('CheckHealth', async (raw) => {
      if (!handlers.checkHealth) {
        throw unimplemented('CheckHealth');
      }
      const result = await handlers.checkHealth(toCheckHealthRequest(raw));
      return {
        status: HEALTH_STATUS_CODES[result.status],
        message: result.message,
        jsonDetails: result.jsonDetails ? Buffer.from(JSON.stringify(result.jsonDetails)) : Buffer.alloc(0),
      };
    }),
    CollectMetrics: unary('CollectMetrics', async () => {
      const extra = handlers.collectMetrics?.() ?? '';
      return { metrics: { prometheus: Buffer.from(metrics.exposition() + extra) } };
    }),
  });

  const streamReply = (reply: StreamReply) => ({
    status: STREAM_STATUS_CODES[reply.status],
    data: reply.data === undefined ? Buffer.alloc(0) : Buffer.from(reply.data),
  });

  server.addService(root.pluginv2.Stream.service, {
    SubscribeStream: unary('SubscribeStream', async (raw) => {
      if (!handlers.subscribeStream) {
        throw unimplemented('SubscribeStream');
      }
      return streamReply(await handlers.subscribeStream(toStreamRequest(raw)));
    }),
    PublishStream: unary('PublishStream', async (raw) => {
      if (!handlers.publishStream) {
        throw unimplemented('PublishStream');
      }
      return streamReply(await handlers.publishStream(toStreamRequest(raw)));
    }),
    RunStream: serverStream(
      'RunStream',
      async (call, signal) => {
        if (!handlers.runStream) {
          throw unimplemented('RunStream');
        }
        await handlers.runStream(
          toStreamRequest(call.request),
          (data) => writeMessage(call, { data: Buffer.from(data) }, signal),
          signal
        );
      },
      true
    ),
  });

  server.addService(root.plugin.GRPCController.service, {
    Shutdown: (_call: unknown, callback: grpc.sendUnaryData<unknown>) => {
      logger.debug('shutdown requested by Grafana');
      callback(null, {});
      options.onShutdown();
    },
  });

  server.addService(root.grpc.health.v1.Health.service, {
    Check: (call: grpc.ServerUnaryCall<Decoded, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      const service = String(call.request.service ?? '');
      if (service === '' || service === 'plugin') {
        callback(null, { status: 1 });
      } else {
        callback({ code: grpc.status.NOT_FOUND, details: `unknown service ${service}` });
      }
    },
  });

  return server;
}

function encodeDataResponse(response: DataResponse, refId: string) {
  const error = response.error ?? '';
  return {
    frames: response.frames.map((frame) => {
      const bytes = frameToArrow(frame.refId ? frame : { ...frame, refId });
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }),
    error,
    status: response.status ?? (error ? 500 : 200),
    errorSource: error ? (response.errorSource ?? 'plugin') : (response.errorSource ?? ''),
  };
}

/** Grafana takes status and headers from the first message only and flushes after each one. */
async function writeResource(
  call: grpc.ServerWritableStream<Decoded, unknown>,
  response: ResourceResponse,
  signal: AbortSignal
) {
  const head = { code: validHttpStatus(response.status), headers: toProtoHeaders(response.headers) };
  const body = response.body;
  if (body === undefined || typeof body === 'string' || Buffer.isBuffer(body)) {
    await writeMessage(call, { ...head, body: Buffer.from(body ?? '') }, signal);
    return;
  }
  let sentHead = false;
  for await (const chunk of body) {
    if (signal.aborted) {
      return;
    }
    await writeMessage(call, sentHead ? { body: Buffer.from(chunk) } : { ...head, body: Buffer.from(chunk) }, signal);
    sentHead = true;
  }
  if (!sentHead) {
    await writeMessage(call, { ...head, body: Buffer.alloc(0) }, signal);
  }
}

function validHttpStatus(status: number): number {
  return Number.isInteger(status) && status >= 100 && status <= 599 ? status : 500;
}

/** Writes one message and waits for the transport to drain when its buffer is full. */
function writeMessage(
  call: grpc.ServerWritableStream<Decoded, unknown>,
  message: unknown,
  signal: AbortSignal
): Promise<void> {
  if (signal.aborted) {
    return Promise.resolve();
  }
  if (call.write(message)) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const done = () => {
      call.off('drain', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    call.once('drain', done);
    signal.addEventListener('abort', done, { once: true });
  });
}
