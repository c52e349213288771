/**
 * Per-instance state cached across calls, as the Go SDK's instancemgmt does: one instance per
 * data source uid, rebuilt when the data source is saved again (lastUpdatedMS) or its jsonData
 * changes. The replaced instance is handed to `dispose` (watchers, caches, open files).
 */
import type { DataSourceInstanceSettings } from '../protocol/messages';

interface Entry<T> {
  lastUpdatedMS: number;
  jsonData: Buffer;
  instance: T;
}

export class InstanceCache<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly build: (settings: DataSourceInstanceSettings) => T,
    private readonly dispose: (instance: T) => void = () => undefined
  ) {}

  /** The current instance for these settings; throws what `build` throws (nothing is cached then). */
  get(settings: DataSourceInstanceSettings): T {
    const key = settings.uid || `id:${settings.id}`;
    const cached = this.entries.get(key);
    if (cached && cached.lastUpdatedMS === settings.lastUpdatedMS && cached.jsonData.equals(settings.jsonData)) {
      return cached.instance;
    }
    const instance = this.build(settings);
    this.entries.set(key, {
      lastUpdatedMS: settings.lastUpdatedMS,
      jsonData: Buffer.from(settings.jsonData),
      instance,
    });
    if (cached) {
      this.dispose(cached.instance);
    }
    return instance;
  }

  get size(): number {
    return this.entries.size;
  }
}
