import type { DataSourceInstanceSettings } from '../protocol/messages';
import { dataSourceSettings } from '../protocol/testing/contexts';
import { InstanceCache } from './instance-cache';

const settings = (overrides: Partial<DataSourceInstanceSettings> = {}) =>
  dataSourceSettings({ uid: 'a', jsonData: Buffer.from('{"logDirs":["/x"]}'), lastUpdatedMS: 100, ...overrides });

describe('InstanceCache', () => {
  it('builds once per uid and reuses the instance while the settings stay the same', () => {
    const build = jest.fn((s: DataSourceInstanceSettings) => ({ uid: s.uid }));
    const cache = new InstanceCache(build);
    const first = cache.get(settings());
    expect(cache.get(settings())).toBe(first);
    expect(cache.get(settings({ uid: 'b' }))).not.toBe(first);
    expect(build).toHaveBeenCalledTimes(2);
    expect(cache.size).toBe(2);
  });

  it('rebuilds when lastUpdatedMS or jsonData change, disposing the old instance', () => {
    const disposed: unknown[] = [];
    let built = 0;
    const cache = new InstanceCache(
      () => ({ n: built++ }),
      (instance) => disposed.push(instance)
    );
    const first = cache.get(settings());
    const second = cache.get(settings({ lastUpdatedMS: 200 }));
    const third = cache.get(settings({ lastUpdatedMS: 200, jsonData: Buffer.from('{"logDirs":["/y"]}') }));
    expect([first, second, third].map((i) => i.n)).toEqual([0, 1, 2]);
    expect(disposed).toEqual([first, second]);
    expect(cache.get(settings({ lastUpdatedMS: 200, jsonData: Buffer.from('{"logDirs":["/y"]}') }))).toBe(third);
  });

  it('caches nothing when building fails, so a fixed configuration is picked up', () => {
    let fail = true;
    const cache = new InstanceCache(() => {
      if (fail) {
        throw new Error('bad settings');
      }
      return {};
    });
    expect(() => cache.get(settings())).toThrow('bad settings');
    fail = false;
    expect(cache.get(settings())).toEqual({});
  });
});
