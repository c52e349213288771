/** A running process's threads as Linux lists them, for tests of the built executable. */
import * as fs from 'node:fs';

export interface ThreadInfo {
  tid: number;
  /** The thread's name (Bun names its worker threads "Worker"). */
  name: string;
  /** Its nice value (stat field 19). */
  nice: number;
}

/** The threads of process `pid` now; one that ends while they are read is left out. */
export function threadsOf(pid: number): ThreadInfo[] {
  return fs.readdirSync(`/proc/${pid}/task`).flatMap((tid) => {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      return [{ tid: Number(tid), name, nice: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]) }];
    } catch {
      return []; // it ended meanwhile
    }
  });
}
