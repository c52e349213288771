/**
 * Network probes for the environment and diagnostics, each bounded by a short timeout so a host
 * that never answers costs the page at most that long.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';

export const PROBE_TIMEOUT_MS = 2000;

export interface TcpProbe {
  reachable: boolean;
  detail: string;
  ms: number;
}

/** A TCP connect to host:port, closed as soon as it succeeds. */
export function tcpConnect(host: string, port: number, timeoutMs = PROBE_TIMEOUT_MS): Promise<TcpProbe> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const finish = (reachable: boolean, detail: string) => {
      socket.destroy();
      resolve({ reachable, detail, ms: elapsed() });
    };
    socket.setTimeout(timeoutMs, () => finish(false, `no answer from ${host}:${port} within ${timeoutMs} ms`));
    socket.once('connect', () => finish(true, `TCP connect to ${host}:${port} succeeded in ${elapsed()} ms`));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      finish(false, `TCP connect to ${host}:${port} failed: ${error.code ?? error.message}`)
    );
  });
}

export interface HttpProbe {
  /** HTTP status, absent when no response came. */
  status?: number;
  body: string;
  error?: string;
  ms: number;
}

const MAX_BODY = 2000;

/** GET a URL; the whole exchange (connect, headers, body) is bounded by the timeout. */
export function httpGet(url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<HttpProbe> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: Omit<HttpProbe, 'ms'>) => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        request.destroy();
        resolve({ ...result, ms: elapsed() });
      }
    };
    const timer = setTimeout(() => settle({ body: '', error: `no answer within ${timeoutMs} ms` }), timeoutMs);
    const request = http.get(url, { headers: { Accept: 'application/json, text/plain' } }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
        if (body.length > MAX_BODY) {
          settle({ status: response.statusCode, body: body.slice(0, MAX_BODY) });
        }
      });
      response.on('end', () => settle({ status: response.statusCode, body }));
      response.on('error', (error) => settle({ status: response.statusCode, body, error: error.message }));
    });
    request.on('error', (error: NodeJS.ErrnoException) => settle({ body: '', error: error.code ?? error.message }));
  });
}

/** `host`, `host:port`, `[v6]`, `[v6]:port` or a bare IPv6 literal. */
export function splitHostPort(value: string): { host: string; port?: number } {
  const text = value.trim();
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) {
    return { host: bracketed[1], port: bracketed[2] ? Number(bracketed[2]) : undefined };
  }
  const named = /^([^:]+):(\d+)$/.exec(text);
  return named ? { host: named[1], port: Number(named[2]) } : { host: text };
}

/** Loopback names and addresses, and this host's own name and interface addresses. */
export function isLocalHost(value: string): boolean {
  const name = splitHostPort(value).host.toLowerCase();
  if (name === 'localhost' || name.endsWith('.localhost') || name === '::1' || /^127\./.test(name)) {
    return true;
  }
  if (name === os.hostname().toLowerCase()) {
    return true;
  }
  return Object.values(os.networkInterfaces())
    .flat()
    .some((address) => address?.address.toLowerCase() === name);
}
