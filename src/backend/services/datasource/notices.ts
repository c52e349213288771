/**
 * The notices a query's frames carry, from the engine's notices and the result: unreadable files
 * summed up with their count and reasons (one notice, not one per file), and a notice when the
 * line limit cut a log query's result. Identical notices are given once.
 */
import type { Notice } from '../../engine/model';

/** The engine's per-file notices: `cannot read <path>: <reason>`, `<path> is not a readable gzip file (<reason>)…`. */
const CANNOT_READ = /^cannot read (.+?): (.+)$/;
const BAD_GZIP = /^(.+?) is not a readable gzip file \((.+)\); the rest of it was skipped$/;
/** Paths listed in the summary; the rest are counted. */
const LISTED_PATHS = 5;

export function frameNotices(notices: Notice[], returnedLines?: { count: number; limit: number }): Notice[] {
  const unreadable = new Map<string, string[]>();
  const out: Notice[] = [];
  for (const notice of notices) {
    const match = CANNOT_READ.exec(notice.text) ?? BAD_GZIP.exec(notice.text);
    if (match) {
      const paths = unreadable.get(match[2]) ?? [];
      paths.push(match[1]);
      unreadable.set(match[2], paths);
    } else if (!out.some((n) => n.text === notice.text)) {
      out.push(notice);
    }
  }
  if (unreadable.size > 0) {
    const paths = [...unreadable.values()].flat();
    const count = new Set(paths).size;
    const reasons = [...unreadable.entries()].map(([reason, files]) => {
      const listed = files.slice(0, LISTED_PATHS).join(', ');
      return `${reason}: ${listed}${files.length > LISTED_PATHS ? ` and ${files.length - LISTED_PATHS} more` : ''}`;
    });
    out.push({
      severity: 'warning',
      text: `${count} log file${count === 1 ? '' : 's'} could not be read, so results may be missing lines (${reasons.join('; ')})`,
    });
  }
  if (returnedLines !== undefined && returnedLines.limit > 0 && returnedLines.count >= returnedLines.limit) {
    out.push({
      severity: 'info',
      text: `Showing ${returnedLines.limit} lines, the line limit: older lines in the range are not shown. Raise the line limit or narrow the query.`,
    });
  }
  return out;
}
