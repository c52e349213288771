/**
 * What a plugin implements: one function per Grafana call. The protocol layer decodes requests,
 * isolates failures, records metrics and encodes answers; handlers only see the types of
 * `messages.ts`. A missing handler answers gRPC UNIMPLEMENTED, which Grafana tolerates.
 */
import { status as GrpcStatus } from '@grpc/grpc-js';

import type {
  CallResourceRequest,
  CheckHealthRequest,
  CheckHealthResult,
  DataQuery,
  DataResponse,
  ErrorSource,
  QueryDataRequest,
  ResourceResponse,
  StreamPacketSender,
  StreamReply,
  StreamRequest,
} from './messages';

export interface PluginHandlers {
  /**
   * Answers one query of a QueryData request. Queries of one request run concurrently; a throw
   * becomes this refId's error (status from a PluginError, else 500) and the others still answer.
   */
  query?(query: DataQuery, request: QueryDataRequest, signal: AbortSignal): Promise<DataResponse>;
  callResource?(request: CallResourceRequest, signal: AbortSignal): Promise<ResourceResponse>;
  checkHealth?(request: CheckHealthRequest): Promise<CheckHealthResult>;
  subscribeStream?(request: StreamRequest): Promise<StreamReply>;
  /** Runs until `signal` aborts (the last subscriber left) or the stream ends by itself. */
  runStream?(request: StreamRequest, send: StreamPacketSender, signal: AbortSignal): Promise<void>;
  publishStream?(request: StreamRequest): Promise<StreamReply>;
  /** Extra Prometheus text exposition appended to the process's own metrics. */
  collectMetrics?(): string;
}

/**
 * An error with an HTTP status for Grafana: a query's `status`, a resource's response code, or
 * (for the other calls) the matching gRPC status code.
 */
export class PluginError extends Error {
  constructor(
    message: string,
    readonly status = 500,
    readonly errorSource: ErrorSource = 'plugin'
  ) {
    super(message);
    this.name = 'PluginError';
  }
}

export function httpStatusOf(error: unknown): number {
  return error instanceof PluginError ? error.status : 500;
}

const GRPC_CODE_BY_HTTP: Record<number, GrpcStatus> = {
  400: GrpcStatus.INVALID_ARGUMENT,
  401: GrpcStatus.UNAUTHENTICATED,
  403: GrpcStatus.PERMISSION_DENIED,
  404: GrpcStatus.NOT_FOUND,
  409: GrpcStatus.ALREADY_EXISTS,
  429: GrpcStatus.RESOURCE_EXHAUSTED,
  499: GrpcStatus.CANCELLED,
  501: GrpcStatus.UNIMPLEMENTED,
  503: GrpcStatus.UNAVAILABLE,
  504: GrpcStatus.DEADLINE_EXCEEDED,
};

export function grpcCodeOf(error: unknown): GrpcStatus {
  return GRPC_CODE_BY_HTTP[httpStatusOf(error)] ?? GrpcStatus.UNKNOWN;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
