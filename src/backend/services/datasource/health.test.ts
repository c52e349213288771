/** The block index as the health check describes it to operators. */
import type { IndexStatus } from '../../engine/index/blockIndex';
import { describeIndex } from './health';

const covered: IndexStatus = {
  cacheDir: '/var/lib/grafana/kamiwaza-logs/index',
  files: 7,
  coveredFiles: 7,
  bytes: 1_840_000_000,
  coveredBytes: 1_839_990_000,
  memoryBytes: 16_500_000,
  failed: [],
};

describe('describeIndex', () => {
  it('says the index is off when the environment turned it off', () => {
    expect(describeIndex(undefined)).toBe('Index: off (KAMIWAZA_LOGS_INDEX=off), every query scans the files.');
  });

  it('says when there is nothing to index', () => {
    expect(describeIndex({ ...covered, files: 0, coveredFiles: 0, bytes: 0, coveredBytes: 0, memoryBytes: 0 })).toBe(
      'Index: no log files to index yet.'
    );
  });

  it('says what a complete index covers, its memory and where it is saved', () => {
    expect(describeIndex(covered)).toBe(
      'Index: covers all 7 log files (1.8 GB), 16.5 MB in memory, saved in /var/lib/grafana/kamiwaza-logs/index.'
    );
  });

  it('says how far a build is, and that queries scan the rest meanwhile', () => {
    expect(describeIndex({ ...covered, coveredFiles: 3, coveredBytes: 420_000_000 })).toBe(
      'Index: building, 3 of 7 log files covered so far (420.0 MB of 1.8 GB; queries scan the rest), ' +
        '16.5 MB in memory, saved in /var/lib/grafana/kamiwaza-logs/index.'
    );
  });

  it('says when the index does not survive a restart, and why', () => {
    expect(describeIndex({ ...covered, cacheDir: undefined })).toContain(
      'in memory only (no cache directory, see KAMIWAZA_LOGS_INDEX_DIR), rebuilt after a restart.'
    );
    expect(
      describeIndex({ ...covered, saveError: "EACCES: permission denied, open '/cache/1a2b.kli.7.tmp'" })
    ).toContain(
      "cannot be saved in /var/lib/grafana/kamiwaza-logs/index (EACCES: permission denied, open '/cache/1a2b.kli.7.tmp'), rebuilt after a restart."
    );
  });

  it('names the files that could not be indexed, at most three', () => {
    const failed = ['a', 'b', 'c', 'd'].map((name) => ({ path: `/logs/${name}.log`, error: 'worker exited' }));
    const text = describeIndex({ ...covered, failed });
    expect(text).toMatch(/ 4 file\(s\) could not be indexed and are scanned: \/logs\/a\.log \(worker exited\), /);
    expect(text).toContain('/logs/c.log (worker exited).');
    expect(text).not.toContain('/logs/d.log');
  });
});
