import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as net from 'node:net';

import { Server } from '@grpc/grpc-js';

import { bindListener, checkHandshakeEnv, handshakeLine } from './handshake';

describe('handshake', () => {
  it('accepts Grafana’s magic cookie and protocol list', () => {
    expect(checkHandshakeEnv({ grafana_plugin_type: 'datasource', PLUGIN_PROTOCOL_VERSIONS: '2' })).toEqual({
      ok: true,
    });
    expect(checkHandshakeEnv({ grafana_plugin_type: 'datasource', PLUGIN_PROTOCOL_VERSIONS: '1, 2' })).toEqual({
      ok: true,
    });
    // go-plugin: no list means a host that predates negotiation
    expect(checkHandshakeEnv({ grafana_plugin_type: 'datasource' })).toEqual({ ok: true });
  });

  it('refuses a missing or wrong cookie and a host without version 2', () => {
    expect(checkHandshakeEnv({})).toMatchObject({ ok: false, message: expect.stringMatching(/grafana_plugin_type/) });
    expect(checkHandshakeEnv({ grafana_plugin_type: 'app' })).toMatchObject({ ok: false });
    expect(checkHandshakeEnv({ grafana_plugin_type: 'datasource', PLUGIN_PROTOCOL_VERSIONS: '1,3' })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/1,3/),
    });
  });

  it('formats the go-plugin line CORE|APP|NETWORK|ADDRESS|PROTOCOL|', () => {
    expect(handshakeLine({ network: 'unix', address: '/tmp/plugin1' })).toBe('1|2|unix|/tmp/plugin1|grpc|\n');
    expect(handshakeLine({ network: 'tcp', address: '127.0.0.1:10001' })).toBe('1|2|tcp|127.0.0.1:10001|grpc|\n');
  });

  describe('bindListener', () => {
    const servers: Server[] = [];
    afterEach(() => servers.splice(0).forEach((server) => server.forceShutdown()));

    it('binds a fresh Unix socket in PLUGIN_UNIX_SOCKET_DIR', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sock-'));
      const server = new Server();
      servers.push(server);
      const listen = await bindListener(server, { PLUGIN_UNIX_SOCKET_DIR: dir }, 'linux');
      expect(listen.network).toBe('unix');
      expect(path.dirname(listen.address)).toBe(dir);
      expect(fs.statSync(listen.address).isSocket()).toBe(true);
      server.forceShutdown();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('binds TCP on 127.0.0.1 within PLUGIN_MIN_PORT..PLUGIN_MAX_PORT on Windows, skipping busy ports', async () => {
      const blocker = net.createServer();
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      const busy = (blocker.address() as net.AddressInfo).port;
      const server = new Server();
      servers.push(server);
      // grpc-js reports the busy port on console.error; here that report is the expected evidence.
      const grpcErrors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
      try {
        const listen = await bindListener(
          server,
          { PLUGIN_MIN_PORT: String(busy), PLUGIN_MAX_PORT: String(busy + 20) },
          'win32'
        );
        expect(grpcErrors).toHaveBeenCalledWith(expect.stringMatching(/No address added/));
        expect(listen.network).toBe('tcp');
        const port = Number(listen.address.split(':')[1]);
        expect(listen.address.startsWith('127.0.0.1:')).toBe(true);
        expect(port).toBeGreaterThan(busy);
        expect(port).toBeLessThanOrEqual(busy + 20);
      } finally {
        grpcErrors.mockRestore();
        blocker.close();
      }
    });
  });
});
