/**
 * Grafana Live stream routing by channel path prefix: `tail` handles `tail` and `tail/...`.
 * Unknown paths answer NOT_FOUND (SubscribeStream, PublishStream) or a 404 error (RunStream).
 */
import { PluginError } from '../../protocol/handlers';
import type { Logger } from '../../protocol/logger';
import type { StreamPacketSender, StreamReply, StreamRequest } from '../../protocol/messages';
import type { DataSourceInstance } from './instance';

export interface StreamCall {
  instance: DataSourceInstance;
  request: StreamRequest;
  /** The path below the route's prefix ('' for the prefix itself). */
  subPath: string;
  logger: Logger;
}

export interface StreamRoute {
  subscribe(call: StreamCall): Promise<StreamReply>;
  run(call: StreamCall, send: StreamPacketSender, signal: AbortSignal): Promise<void>;
  /** Without it, publishing to the route is refused. */
  publish?(call: StreamCall): Promise<StreamReply>;
}

export class StreamRouter {
  private readonly routes = new Map<string, StreamRoute>();

  register(prefix: string, route: StreamRoute): this {
    this.routes.set(prefix.replace(/^\/+|\/+$/g, ''), route);
    return this;
  }

  private find(path: string): { route: StreamRoute; subPath: string } | undefined {
    const normalized = path.replace(/^\/+/, '');
    const slash = normalized.indexOf('/');
    const prefix = slash < 0 ? normalized : normalized.slice(0, slash);
    const route = this.routes.get(prefix);
    return route ? { route, subPath: slash < 0 ? '' : normalized.slice(slash + 1) } : undefined;
  }

  async subscribe(call: Omit<StreamCall, 'subPath'>): Promise<StreamReply> {
    const found = this.find(call.request.path);
    return found ? found.route.subscribe({ ...call, subPath: found.subPath }) : { status: 'NOT_FOUND' };
  }

  async publish(call: Omit<StreamCall, 'subPath'>): Promise<StreamReply> {
    const found = this.find(call.request.path);
    if (!found) {
      return { status: 'NOT_FOUND' };
    }
    return found.route.publish
      ? found.route.publish({ ...call, subPath: found.subPath })
      : { status: 'PERMISSION_DENIED' };
  }

  async run(call: Omit<StreamCall, 'subPath'>, send: StreamPacketSender, signal: AbortSignal): Promise<void> {
    const found = this.find(call.request.path);
    if (!found) {
      throw new PluginError(`no stream at ${JSON.stringify(call.request.path)}`, 404);
    }
    await found.route.run({ ...call, subPath: found.subPath }, send, signal);
  }
}
