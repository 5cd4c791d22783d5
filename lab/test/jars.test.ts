import { describe, expect, it } from 'vitest';
import { downloadedBytes } from '../src/jars.ts';

describe('downloadedBytes (Maven transfer lines → progress)', () => {
  it.each([
    ['Downloaded from central: https://repo/x/kafka_2.13-4.3.1.jar (6.9 MB at 12 MB/s)', 6.9e6],
    ['Downloaded from central: https://repo/x/a.pom (2.1 kB at 40 kB/s)', 2100],
    ['Downloaded from central: https://repo/x/b.sha1 (40 B at 1 kB/s)', 40],
  ])('%s', (line, bytes) => {
    expect(downloadedBytes(line)).toBeCloseTo(bytes);
  });

  it('ignores everything else', () => {
    expect(downloadedBytes('Downloading from central: https://repo/x/a.jar')).toBeUndefined();
    expect(downloadedBytes('[INFO] BUILD SUCCESS')).toBeUndefined();
  });
});
