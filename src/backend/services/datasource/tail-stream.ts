/**
 * Live tail over Grafana Live. The contract the frontend (src/datasource/liveTail.ts) relies on;
 * keep it stable:
 *
 * - Channel: `ds/<datasource uid>/tail/<id>`. The backend reads only the `tail` prefix; `<id>` is
 *   the subscriber's choice (the frontend derives it from the expression, because Grafana passes
 *   the subscription data only with a channel's first subscriber).
 * - Subscription data (SubscribeStream and RunStream): JSON `{"expr": "<LogQL log query>"}`. A
 *   metric query, a parse error or a missing expr answers SubscribeStream NOT_FOUND with
 *   `{"error": "<why>"}`.
 * - Packets: one per poll that found new matching lines (the store polls every TAIL_POLL_MS, 300
 *   ms, so a line appended to a file arrives within about that, across rotation and truncation).
 *   Each packet is one complete `log-lines` data frame in Grafana's JSON frame format, schema
 *   included (`{"schema": {...}, "data": {"values": [...]}}`), named and refId'd `tail`, fields
 *   `timestamp` (time), `body`, `severity`, `id`, `labels` (JSON): the same fields and row order
 *   (newest first) as a query's logs frame (trace links are added in the browser).
 * - The stream ends when the last subscriber leaves (RunStream is cancelled).
 */
import { parseLogQL } from '../../engine/logql/parser';
import { tailQuery } from '../../engine/query';
import { emptyQueryStats } from '../../engine/query/types';
import { frameToJson } from '../../protocol/frames/json';
import type { StreamReply } from '../../protocol/messages';
import { resultToFrames } from './frames';
import type { StreamCall, StreamRoute } from './streams';

export const tailRoute: StreamRoute = {
  async subscribe(call): Promise<StreamReply> {
    const parsed = tailExpr(call);
    return parsed.ok ? { status: 'OK' } : { status: 'NOT_FOUND', data: JSON.stringify({ error: parsed.error }) };
  },

  async run(call, send, signal): Promise<void> {
    const parsed = tailExpr(call);
    if (!parsed.ok) {
      throw new Error(parsed.error);
    }
    for await (const streams of tailQuery(call.instance.store, { query: parsed.expr, signal })) {
      if (streams.length === 0) {
        continue;
      }
      const [frame] = resultToFrames(
        { resultType: 'streams', streams, notices: [], stats: emptyQueryStats() },
        { refId: 'tail', expr: parsed.expr, limit: 0, searchWords: [] }
      );
      await send(frameToJson(frame, 'all'));
    }
  },
};

function tailExpr(call: StreamCall): { ok: true; expr: string } | { ok: false; error: string } {
  let expr: unknown;
  try {
    expr = (JSON.parse(call.request.data.toString('utf8') || '{}') as { expr?: unknown }).expr;
  } catch {
    return { ok: false, error: 'tail subscription data must be JSON {"expr": "<LogQL>"}' };
  }
  if (typeof expr !== 'string' || expr.trim() === '') {
    return { ok: false, error: 'tail subscription needs {"expr": "<LogQL log query>"}' };
  }
  try {
    if (parseLogQL(expr).kind !== 'log') {
      return { ok: false, error: 'only log queries can be tailed' };
    }
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
  return { ok: true, expr };
}
