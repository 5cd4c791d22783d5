import { newSilence, silenceState } from './silences.ts';
import type { LabelVocabulary, Silence, silenceInputSchema } from './silences.ts';
import type { z } from 'zod';

/** Where silences are kept (durable). */
export interface SilenceStorePort {
  silences(): Silence[];
  putSilence(s: Silence): void;
}

/** The silences in force and ended, kept in their store; what the mute stage reads. Time is an argument. */
export class SilenceBook {
  private list: Silence[];

  constructor(private readonly store: SilenceStorePort) {
    this.list = store.silences();
  }

  all(): Silence[] {
    return this.list;
  }

  /** A new silence (refused when it would match everything the vocabulary knows: see `newSilence`). */
  add(input: z.output<typeof silenceInputSchema>, nowMs: number, vocabulary: LabelVocabulary): Silence {
    const s = newSilence(input, nowMs, vocabulary);
    this.put(s);
    return s;
  }

  /**
   * Ends a silence at `nowMs`: the silence ended, `expired` true when it had already ended; undefined when
   * there is no such silence.
   */
  expire(id: string, nowMs: number): { silence: Silence; expired: boolean } | undefined {
    const s = this.list.find((x) => x.id === id);
    if (s === undefined) return undefined;
    if (silenceState(s, nowMs) === 'expired') return { silence: s, expired: true };
    const ended: Silence = { ...s, endsAtMs: nowMs };
    this.put(ended);
    return { silence: ended, expired: false };
  }

  private put(s: Silence): void {
    this.store.putSilence(s);
    this.list = this.store.silences();
  }
}
