import type { z } from 'zod';

/** A 4xx answer with what is wrong. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: string[],
  ) {
    super(message);
  }
}

const issues = (e: z.ZodError): string[] =>
  e.issues.map((i) => `${i.path.length === 0 ? '' : `${i.path.join('.')}: `}${i.message}`);

export function parse<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const r = schema.safeParse(value);
  if (!r.success) throw new ApiError(400, `invalid ${what}`, issues(r.error));
  return r.data;
}
