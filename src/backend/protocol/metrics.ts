/**
 * The plugin's own metrics in Prometheus text exposition format, served by
 * `Diagnostics/CollectMetrics` (Grafana exposes them at /metrics/plugins/<pluginId>): process
 * resources plus a request counter and a duration histogram per gRPC method and status code.
 */
import * as fs from 'node:fs';

/** Histogram buckets in seconds (Prometheus client defaults). */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface MethodStats {
  bucketCounts: number[];
  count: number;
  sum: number;
}

export class RequestMetrics {
  /** method → gRPC code name → count */
  private readonly handled = new Map<string, Map<string, number>>();
  private readonly durations = new Map<string, MethodStats>();
  private readonly startTimeSeconds: number;

  constructor(startTimeMs = Date.now() - process.uptime() * 1000) {
    this.startTimeSeconds = startTimeMs / 1000;
  }

  record(method: string, code: string, seconds: number): void {
    const byCode = this.handled.get(method) ?? new Map<string, number>();
    byCode.set(code, (byCode.get(code) ?? 0) + 1);
    this.handled.set(method, byCode);

    const stats = this.durations.get(method) ?? { bucketCounts: BUCKETS.map(() => 0), count: 0, sum: 0 };
    BUCKETS.forEach((bound, index) => {
      if (seconds <= bound) {
        stats.bucketCounts[index]++;
      }
    });
    stats.count++;
    stats.sum += seconds;
    this.durations.set(method, stats);
  }

  /** Prometheus text exposition (version 0.0.4). */
  exposition(): string {
    const lines: string[] = [];
    const gauge = (name: string, help: string, value: number | undefined, type = 'gauge') => {
      if (value !== undefined && Number.isFinite(value)) {
        lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name} ${value}`);
      }
    };
    const memory = process.memoryUsage();
    const cpu = process.cpuUsage();
    gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', memory.rss);
    gauge('process_virtual_memory_bytes', 'Virtual memory size in bytes.', virtualMemoryBytes());
    gauge('process_heap_bytes', 'JavaScript heap in use, in bytes.', memory.heapUsed);
    gauge('process_heap_total_bytes', 'JavaScript heap allocated, in bytes.', memory.heapTotal);
    gauge('process_external_memory_bytes', 'Memory of buffers outside the JavaScript heap, in bytes.', memory.external);
    gauge(
      'process_cpu_seconds_total',
      'Total user and system CPU time spent in seconds.',
      (cpu.user + cpu.system) / 1e6,
      'counter'
    );
    gauge(
      'process_start_time_seconds',
      'Start time of the process since unix epoch in seconds.',
      this.startTimeSeconds
    );
    gauge('process_open_fds', 'Number of open file descriptors.', openFileDescriptors());
    gauge('process_max_fds', 'Maximum number of open file descriptors.', maxFileDescriptors());

    lines.push(
      '# HELP grpc_server_handled_total Total number of RPCs completed on the server, regardless of success or failure.',
      '# TYPE grpc_server_handled_total counter'
    );
    for (const [method, byCode] of this.handled) {
      for (const [code, count] of byCode) {
        lines.push(`grpc_server_handled_total{grpc_method=${quote(method)},grpc_code=${quote(code)}} ${count}`);
      }
    }
    lines.push(
      '# HELP grpc_server_handling_seconds Histogram of response latency of RPCs handled by the server.',
      '# TYPE grpc_server_handling_seconds histogram'
    );
    for (const [method, stats] of this.durations) {
      const label = `grpc_method=${quote(method)}`;
      BUCKETS.forEach((bound, index) => {
        lines.push(`grpc_server_handling_seconds_bucket{${label},le="${bound}"} ${stats.bucketCounts[index]}`);
      });
      lines.push(`grpc_server_handling_seconds_bucket{${label},le="+Inf"} ${stats.count}`);
      lines.push(`grpc_server_handling_seconds_sum{${label}} ${stats.sum}`);
      lines.push(`grpc_server_handling_seconds_count{${label}} ${stats.count}`);
    }
    return lines.join('\n') + '\n';
  }
}

function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** Linux only; other systems omit the metric. */
function openFileDescriptors(): number | undefined {
  try {
    return fs.readdirSync('/proc/self/fd').length;
  } catch {
    return undefined;
  }
}

function maxFileDescriptors(): number | undefined {
  try {
    const limits = fs.readFileSync('/proc/self/limits', 'utf8');
    const match = /^Max open files\s+(\d+)/m.exec(limits);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

function virtualMemoryBytes(): number | undefined {
  try {
    const match = /^VmSize:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
