import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { runQuery } from '../../engine/query';
import { createFileLogStore } from '../../engine/store';
import { frameNotices } from './notices';

describe('frame notices', () => {
  it('sum up unreadable files with their count and reasons, once per notice text', () => {
    const notices = frameNotices([
      { severity: 'warning', text: 'cannot read /l/a.jsonl: EACCES: permission denied' },
      { severity: 'warning', text: 'cannot read /l/b.jsonl: EACCES: permission denied' },
      {
        severity: 'warning',
        text: '/l/c.jsonl.1.gz is not a readable gzip file (incorrect header check); the rest of it was skipped',
      },
      { severity: 'warning', text: '3 malformed line(s) were read' },
      { severity: 'warning', text: '3 malformed line(s) were read' },
    ]);
    expect(notices).toEqual([
      { severity: 'warning', text: '3 malformed line(s) were read' },
      {
        severity: 'warning',
        text: '3 log files could not be read, so results may be missing lines (EACCES: permission denied: /l/a.jsonl, /l/b.jsonl; incorrect header check: /l/c.jsonl.1.gz)',
      },
    ]);
  });

  it('report a real damaged gzip sibling met by a query', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-notices-'));
    try {
      const t = Date.parse('2026-11-20T10:00:00Z');
      fs.writeFileSync(
        path.join(dir, 'application.jsonl'),
        `${JSON.stringify({ timestamp: new Date(t).toISOString(), level: 'INFO', message: 'ok' })}\n`
      );
      // A gzip header followed by bytes that are no deflate stream.
      fs.writeFileSync(
        path.join(dir, 'application.jsonl.1.gz'),
        Buffer.from('1f8b0800000000000003ffffffffffffffff', 'hex')
      );
      const store = createFileLogStore({ roots: [dir] });
      const result = await runQuery(store, {
        query: '{source="application"}',
        startMs: t - 86_400_000,
        endMs: t + 1000,
      });
      const notices = frameNotices(result.notices);
      expect(notices.filter((n) => /could not be read/.test(n.text))).toEqual([
        {
          severity: 'warning',
          text: expect.stringMatching(
            /^1 log file could not be read, so results may be missing lines \(.+: .*application\.jsonl\.1\.gz\)$/
          ),
        },
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
