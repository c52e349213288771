import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as net from 'node:net';

import { httpGet, isLocalHost, tcpConnect } from './probes';

/** A server on 127.0.0.1 with a random port; closed (and its sockets destroyed) after the test. */
async function listen(server: http.Server | net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('network probes against local servers', () => {
  const servers: Array<http.Server | net.Server> = [];
  const sockets: net.Socket[] = [];
  afterEach(async () => {
    sockets.splice(0).forEach((s) => s.destroy());
    await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  });

  function httpServer(handler: http.RequestListener): Promise<number> {
    const server = http.createServer(handler);
    server.on('connection', (s) => sockets.push(s));
    servers.push(server);
    return listen(server);
  }

  it('reads a healthy answer: status and body', async () => {
    const port = await httpServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"status":"Server available"}');
    });
    const probe = await httpGet(`http://127.0.0.1:${port}/health`);
    expect(probe).toMatchObject({ status: 200, body: '{"status":"Server available"}' });
    expect(probe.error).toBeUndefined();
  });

  it('reads an unhealthy answer with its status', async () => {
    const port = await httpServer((_req, res) => {
      res.writeHead(503);
      res.end('{"status":"Server not available"}');
    });
    await expect(httpGet(`http://127.0.0.1:${port}/health`)).resolves.toMatchObject({
      status: 503,
      body: '{"status":"Server not available"}',
    });
  });

  it('reports a closed port as refused, over HTTP and TCP', async () => {
    const port = await closedPort();
    const http = await httpGet(`http://127.0.0.1:${port}/health`);
    expect(http.status).toBeUndefined();
    expect(http.error).toBe('ECONNREFUSED');
    const tcp = await tcpConnect('127.0.0.1', port);
    expect(tcp.reachable).toBe(false);
    expect(tcp.detail).toMatch(/ECONNREFUSED/);
  });

  it('gives up on a server that accepts but never answers, after the timeout', async () => {
    const port = await httpServer(() => undefined);
    const probe = await httpGet(`http://127.0.0.1:${port}/health`, 300);
    expect(probe.status).toBeUndefined();
    expect(probe.error).toBe('no answer within 300 ms');
    expect(probe.ms).toBeGreaterThanOrEqual(290);
  });

  it('connects over TCP to a listening port', async () => {
    const server = net.createServer((socket) => sockets.push(socket));
    servers.push(server);
    const port = await listen(server);
    const probe = await tcpConnect('127.0.0.1', port);
    expect(probe.reachable).toBe(true);
    expect(probe.detail).toMatch(new RegExp(`127\\.0\\.0\\.1:${port} succeeded`));
  });

  it('tells this host from others', () => {
    for (const host of ['localhost', '127.0.0.1', '127.0.1.1', '::1', '[::1]', 'LOCALHOST']) {
      expect(isLocalHost(host)).toBe(true);
    }
    for (const host of ['otel-collector.example.com', '10.255.255.1', '8.8.8.8']) {
      expect(isLocalHost(host)).toBe(false);
    }
  });
});
