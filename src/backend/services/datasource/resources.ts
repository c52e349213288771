/**
 * CallResource routing: `METHOD path` patterns with `:param` segments (e.g. `GET label/:name/values`).
 * Unknown paths answer 404 JSON, known paths with another method 405 JSON.
 */
import type { Logger } from '../../protocol/logger';
import { type CallResourceRequest, jsonResponse, type ResourceResponse } from '../../protocol/messages';
import type { DataSourceInstance } from './instance';

export interface ResourceCall {
  instance: DataSourceInstance;
  request: CallResourceRequest;
  /** Values of the pattern's `:name` segments, URL-decoded. */
  params: Record<string, string>;
  /** Query string of `request.url`. */
  query: URLSearchParams;
  signal: AbortSignal;
  logger: Logger;
}

export type ResourceRouteHandler = (call: ResourceCall) => Promise<ResourceResponse>;

interface Route {
  method: string;
  segments: string[];
  handler: ResourceRouteHandler;
}

export class ResourceRouter {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: ResourceRouteHandler): this {
    this.routes.push({ method: method.toUpperCase(), segments: splitPath(pattern), handler });
    return this;
  }

  async handle(call: Omit<ResourceCall, 'params' | 'query'>): Promise<ResourceResponse> {
    const { request } = call;
    const segments = splitPath(request.path);
    const queryStart = request.url.indexOf('?');
    const query = new URLSearchParams(queryStart >= 0 ? request.url.slice(queryStart + 1) : '');
    let pathMatched = false;
    for (const route of this.routes) {
      const params = matchSegments(route.segments, segments);
      if (!params) {
        continue;
      }
      pathMatched = true;
      if (route.method === request.method.toUpperCase()) {
        return route.handler({ ...call, params, query });
      }
    }
    return pathMatched
      ? jsonResponse(405, { message: `method ${request.method} not allowed on ${request.path}` })
      : jsonResponse(404, { message: `no resource at ${JSON.stringify(request.path)}` });
  }
}

function splitPath(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '');
}

function matchSegments(pattern: string[], path: string[]): Record<string, string> | undefined {
  if (pattern.length !== path.length) {
    return undefined;
  }
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i].startsWith(':')) {
      try {
        params[pattern[i].slice(1)] = decodeURIComponent(path[i]);
      } catch {
        return undefined;
      }
    } else if (pattern[i] !== path[i]) {
      return undefined;
    }
  }
  return params;
}
