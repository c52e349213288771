/**
 * The Kamiwaza Logs data source: maps Grafana calls onto instances (cached per uid), the query
 * runner (`run-data-query.ts`, the log engine), resource routes (health, `label-resources.ts`,
 * `explore-resources.ts`) and stream routes (live tail, `tail-stream.ts`).
 */
import { PluginError, type PluginHandlers } from '../../protocol/handlers';
import type { Logger } from '../../protocol/logger';
import { jsonResponse, type PluginContext } from '../../protocol/messages';
import { InstanceCache } from '../instance-cache';
import { checkHealth } from './health';
import { createInstance, type DataSourceInstance } from './instance';
import { decodeQuery } from './query';
import { ResourceRouter } from './resources';
import { runDataQuery } from './run-data-query';
import { StreamRouter } from './streams';
import { addLabelResources } from './label-resources';
import { addExploreResources } from './explore-resources';
import { tailRoute } from './tail-stream';
import { addEnvironmentResources } from '../environment/routes';
import { prestartSearchWorker } from '../../engine/scan/search';

export interface DataSourceService {
  handlers: PluginHandlers;
  resources: ResourceRouter;
  streams: StreamRouter;
  instances: InstanceCache<DataSourceInstance>;
  /**
   * Once the plugin is reachable: makes a search worker ready, so that a search's second thread
   * starts at once (its start-up would otherwise delay the handshake, or the first search).
   */
  prepare(): void;
}

export interface DataSourceServiceOptions {
  logger: Logger;
  env?: NodeJS.ProcessEnv;
}

export function createDataSourceService(options: DataSourceServiceOptions): DataSourceService {
  const { logger } = options;
  const env = options.env ?? process.env;
  const instances = new InstanceCache<DataSourceInstance>((settings) => {
    logger.debug('building data source instance', { uid: settings.uid, lastUpdatedMS: settings.lastUpdatedMS });
    return createInstance(settings, env);
  });
  const instanceFor = (ctx: PluginContext): DataSourceInstance => {
    if (!ctx.dataSourceInstanceSettings) {
      throw new PluginError(
        'this call needs a data source instance (no dataSourceInstanceSettings in the plugin context)',
        400
      );
    }
    return instances.get(ctx.dataSourceInstanceSettings);
  };

  const resources = addExploreResources(
    addLabelResources(
      new ResourceRouter().add('GET', 'health', async ({ instance }) => {
        const result = await checkHealth(instance);
        return jsonResponse(200, { status: result.status, message: result.message, details: result.jsonDetails });
      })
    )
  );
  addEnvironmentResources(resources, env);
  const streams = new StreamRouter().register('tail', tailRoute);

  const handlers: PluginHandlers = {
    async query(dataQuery, request, signal) {
      const instance = instanceFor(request.pluginContext);
      const query = decodeQuery(dataQuery);
      return runDataQuery(instance, query, dataQuery.timeRange, {
        logger: logger.with({ uid: instance.uid, refId: dataQuery.refId }),
        signal,
        pluginContext: request.pluginContext,
        dataQuery,
        headers: request.headers,
      });
    },

    async checkHealth(request) {
      let instance: DataSourceInstance;
      try {
        instance = instanceFor(request.pluginContext);
      } catch (error) {
        return { status: 'ERROR', message: (error as Error).message };
      }
      return checkHealth(instance);
    },

    async callResource(request, signal) {
      const instance = instanceFor(request.pluginContext);
      return resources.handle({
        instance,
        request,
        signal,
        logger: logger.with({ uid: instance.uid, path: request.path }),
      });
    },

    async subscribeStream(request) {
      const instance = instanceFor(request.pluginContext);
      return streams.subscribe({ instance, request, logger: logger.with({ uid: instance.uid, path: request.path }) });
    },

    async runStream(request, send, signal) {
      const instance = instanceFor(request.pluginContext);
      await streams.run(
        { instance, request, logger: logger.with({ uid: instance.uid, path: request.path }) },
        send,
        signal
      );
    },

    async publishStream(request) {
      const instance = instanceFor(request.pluginContext);
      return streams.publish({ instance, request, logger: logger.with({ uid: instance.uid, path: request.path }) });
    },
  };

  return { handlers, resources, streams, instances, prepare: prestartSearchWorker };
}
