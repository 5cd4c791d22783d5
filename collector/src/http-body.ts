/** Why a fetch of a target failed, said plainly (no URL credentials, no stack). */
export class TargetError extends Error {}

/**
 * Fetches `url` and returns its body's bytes, failing after `timeoutMs` or once the body passes `maxBytes`
 * (a broken or hostile target cannot exhaust memory).
 */
export async function fetchBounded(
  url: string,
  timeoutMs: number,
  maxBytes: number,
  init: RequestInit = {},
): Promise<Buffer> {
  let res: Response;
  try {
    const timeout = AbortSignal.timeout(timeoutMs);
    res = await fetch(url, {
      ...init,
      signal: init.signal ? AbortSignal.any([timeout, init.signal]) : timeout,
    });
  } catch (error) {
    const name = (error as Error).name;
    throw new TargetError(
      name === 'TimeoutError'
        ? `no answer within ${timeoutMs} ms`
        : `unreachable (${(error as Error).message})`,
    );
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new TargetError(`HTTP ${res.status}`);
  }
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > maxBytes) {
    await res.body?.cancel();
    throw new TargetError(`body of ${declared} bytes exceeds the ${maxBytes}-byte limit`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body ?? []) {
      size += (chunk as Uint8Array).byteLength;
      if (size > maxBytes) throw new TargetError(`body exceeds the ${maxBytes}-byte limit`);
      chunks.push(chunk as Uint8Array);
    }
  } catch (error) {
    if (error instanceof TargetError) throw error;
    const name = (error as Error).name;
    throw new TargetError(
      name === 'TimeoutError'
        ? `no complete answer within ${timeoutMs} ms`
        : `read failed (${(error as Error).message})`,
    );
  }
  return Buffer.concat(chunks);
}
