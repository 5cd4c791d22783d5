import type { Sample } from '../../../model/src/sample.ts';
import type { KafkaSession } from '../kafka/session.ts';
import { describeLogDirs } from '../kafka/log-dirs.ts';
import type { LogDir } from '../kafka/log-dirs.ts';
import type { Source } from '../source.ts';

/** Kafka's KAFKA_STORAGE_ERROR: the broker has taken the dir offline. */
const storageError = 56;

/** One `log_dir` sample per directory. Sizes the broker does not know (−1, or an offline dir) are left out. */
export function logDirSamples(cluster: string, dirs: readonly LogDir[], timeMs: number): Sample[] {
  return dirs.map((d) => {
    const offline = d.errorCode === storageError ? 1 : 0;
    const known = d.totalBytes > 0 && d.usableBytes >= 0 && offline === 0;
    const used = d.totalBytes - d.usableBytes;
    return {
      measurement: 'log_dir',
      tags: { cluster, broker: String(d.broker), log_dir: d.path },
      fields: {
        ...(known
          ? {
              total_bytes: d.totalBytes,
              usable_bytes: d.usableBytes,
              used_bytes: used,
              used_ratio: used / d.totalBytes,
            }
          : {}),
        partition_bytes: d.partitionBytes,
        partitions: d.partitions,
        offline,
      },
      timeMs,
    };
  });
}

/** A source that reads every broker's log dirs through the admin API. */
export function diskSource(cluster: string, session: KafkaSession): Source {
  return {
    cluster,
    target: `log dirs ${session.endpoint.brokers.join(',')}`,
    kind: 'disk',
    async collect(nowMs) {
      const { dirs, errors } = await describeLogDirs(session);
      if (dirs.length === 0 && errors.length > 0) throw new Error(errors.join('; '));
      const first = errors[0];
      return {
        samples: logDirSamples(cluster, dirs, nowMs),
        exposed: dirs.length,
        errorCount: errors.length,
        ...(first === undefined ? {} : { firstError: first }),
      };
    },
  };
}
