/**
 * Test-only gRPC client for the plugin's services, playing Grafana's part: built from the same
 * descriptor as the server, dialled over the address of a handshake line.
 */
import * as grpc from '@grpc/grpc-js';

import { loadPackageDefinition } from '../proto';

type Decoded = Record<string, unknown>;
type Unary = (request: Decoded, callback: (error: grpc.ServiceError | null, reply: Decoded) => void) => void;
type ServerStream = (request: Decoded) => grpc.ClientReadableStream<Decoded>;

export interface PluginClient {
  call(
    service: 'Data' | 'Diagnostics' | 'Stream' | 'GRPCController' | 'Health',
    method: string,
    request: Decoded
  ): Promise<Decoded>;
  stream(service: 'Resource' | 'Stream', method: string, request: Decoded): grpc.ClientReadableStream<Decoded>;
  /**
   * Compiles this client's encoder of `request` and decoder of `reply` for a unary method without
   * calling the plugin. Grafana's codecs are compiled Go; this client's are generated on first
   * use (a QueryData request's first encode took 12–17 ms, measured), which a benchmark of the
   * plugin's first call must not count.
   */
  prepare(service: 'Data' | 'Diagnostics', method: string, request: Decoded, reply: Decoded): void;
  close(): void;
}

/** `address` as in the handshake line: an absolute socket path (unix) or host:port (tcp). */
export function connectPlugin(network: 'unix' | 'tcp', address: string): PluginClient {
  const root = grpc.loadPackageDefinition(loadPackageDefinition()) as any;
  const target = network === 'unix' ? `unix:${address}` : address;
  const credentials = grpc.credentials.createInsecure();
  const options = { 'grpc.max_receive_message_length': -1 };
  const clients: Record<string, grpc.Client> = {
    Data: new root.pluginv2.Data(target, credentials, options),
    Resource: new root.pluginv2.Resource(target, credentials, options),
    Diagnostics: new root.pluginv2.Diagnostics(target, credentials, options),
    Stream: new root.pluginv2.Stream(target, credentials, options),
    GRPCController: new root.plugin.GRPCController(target, credentials, options),
    Health: new root.grpc.health.v1.Health(target, credentials, options),
  };
  return {
    call(service, method, request) {
      const client = clients[service] as unknown as Record<string, Unary>;
      return new Promise((resolve, reject) => {
        client[method].call(client, request, (error, reply) => (error ? reject(error) : resolve(reply)));
      });
    },
    stream(service, method, request) {
      const client = clients[service] as unknown as Record<string, ServerStream>;
      return client[method].call(client, request);
    },
    prepare(service, method, request, reply) {
      const codec = (
        clients[service].constructor as unknown as { service: Record<string, grpc.MethodDefinition<Decoded, Decoded>> }
      ).service[method];
      codec.requestSerialize(request);
      codec.responseDeserialize(codec.responseSerialize(reply));
    },
    close() {
      Object.values(clients).forEach((client) => client.close());
    },
  };
}

/** Collects a server stream's messages, or rejects with its error status. */
export function readAll(stream: grpc.ClientReadableStream<Decoded>): Promise<Decoded[]> {
  return new Promise((resolve, reject) => {
    const messages: Decoded[] = [];
    stream.on('data', (message: Decoded) => messages.push(message));
    stream.on('error', reject);
    stream.on('end', () => resolve(messages));
  });
}

/** A plugin context as Grafana sends it for a data source instance. */
export function dataSourceContext(
  jsonData: unknown,
  overrides: Partial<{ uid: string; lastUpdatedMS: string }> = {}
): Decoded {
  return {
    orgId: '1',
    pluginId: 'kamiwaza-logs-datasource',
    user: { login: 'admin', name: 'Admin', email: 'admin@example.com', role: 'Admin' },
    dataSourceInstanceSettings: {
      id: '7',
      uid: overrides.uid ?? 'ds-uid',
      name: 'Kamiwaza Logs',
      jsonData: Buffer.from(JSON.stringify(jsonData)),
      decryptedSecureJsonData: {},
      lastUpdatedMS: overrides.lastUpdatedMS ?? '1700000000000',
    },
    grafanaConfig: { GF_APP_URL: 'http://localhost:3000/' },
    pluginVersion: '0.1.0',
    userAgent: 'Grafana/12.4.0',
    apiVersion: '',
  };
}

/** A panel's query in a QueryData request, as Grafana sends it: refId A, its JSON model, its time range. */
export function panelQuery(model: Record<string, unknown>, fromMs: number, toMs: number): Decoded {
  return {
    refId: 'A',
    maxDataPoints: '1000',
    intervalMS: '60000',
    timeRange: { fromEpochMS: String(fromMs), toEpochMS: String(toMs) },
    json: Buffer.from(JSON.stringify({ refId: 'A', ...model })),
  };
}
