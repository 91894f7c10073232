import type { CloudEvent, EventResult, FieldError } from './events.js';

/** Statuses that say "later": the same request may succeed when sent again. */
export const TRANSIENT = new Set([408, 425, 429, 500, 502, 503, 504]);

/** One event's answer: a result, or a reason to send it again. */
export type PerEvent = { result: EventResult } | { retry: string };

export interface Answer {
  perEvent: PerEvent[];
  /** The gateway's Retry-After, in milliseconds (0 when absent). */
  retryAfterMs: number;
  /** 413 for several events: send them again as halves. */
  tooLarge: boolean;
}

interface Problem {
  title?: string;
  detail?: string;
  errors?: Array<{ index?: number; field?: string; reason?: string }>;
  results?: Array<{
    index?: number;
    status?: number;
    topic?: string;
    partition?: number;
    offset?: number;
    errors?: Array<{ field?: string; reason?: string }>;
  }>;
}

/** Reads the gateway's answer to one ingest request as an answer per event, in the request's order. */
export function readAnswer(
  status: number,
  retryAfter: string | null,
  body: string,
  events: CloudEvent[],
  attempts: number[],
): Answer {
  const retryAfterMs = retryAfter && /^\d{1,6}$/.test(retryAfter) ? Number(retryAfter) * 1000 : 0;
  if (status === 413 && events.length > 1) {
    return { perEvent: [], retryAfterMs, tooLarge: true };
  }
  let parsed: Problem = {};
  try {
    parsed = body ? (JSON.parse(body) as Problem) : {};
  } catch {
    parsed = {};
  }
  const perEvent: PerEvent[] = [];
  if (status === 202 || status === 207) {
    const byIndex = new Map((parsed.results ?? []).map((result, i) => [result.index ?? i, result]));
    events.forEach((event, i) => {
      const result = byIndex.get(i);
      if (!result) {
        perEvent.push({ retry: `no result for the event in a ${status}` });
        return;
      }
      const own = result.status ?? 202;
      if (result.offset !== undefined && own < 300) {
        perEvent.push({
          result: {
            kind: 'acknowledged',
            event,
            topic: result.topic ?? '',
            partition: result.partition ?? 0,
            offset: result.offset,
            attempts: attempts[i],
          },
        });
      } else if (TRANSIENT.has(own)) {
        perEvent.push({ retry: `${own} for the event` });
      } else {
        perEvent.push({
          result: { kind: 'refused', event, status: own, errors: fieldErrors(result.errors), attempts: attempts[i] },
        });
      }
    });
  } else if (TRANSIENT.has(status)) {
    const reason = `${status} ${parsed.title ?? parsed.detail ?? ''}`.trim();
    events.forEach(() => perEvent.push({ retry: reason }));
  } else {
    // refused as a whole (400, 401, 403, 404 …): each event with its own errors, else the problem's detail
    const detail = parsed.detail ?? parsed.title ?? `HTTP ${status}`;
    events.forEach((event, i) => {
      const own = (parsed.errors ?? []).filter((error) => (error.index ?? 0) === i);
      perEvent.push({
        result: {
          kind: 'refused',
          event,
          status,
          errors: own.length > 0 ? fieldErrors(own) : [{ field: '', reason: detail }],
          attempts: attempts[i],
        },
      });
    });
  }
  return { perEvent, retryAfterMs, tooLarge: false };
}

export function fieldErrors(errors: Array<{ field?: string; reason?: string }> | undefined): FieldError[] {
  return (errors ?? []).map((error) => ({ field: error.field ?? '', reason: error.reason ?? '' }));
}

/** Exponential backoff with jitter (half to all of the doubled wait), never shorter than `retryAfterMs`. */
export function backoffMs(attempts: number, initialMs: number, maxMs: number, retryAfterMs: number): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(attempts - 1, 20));
  const jittered = ceiling / 2 + Math.random() * (ceiling / 2);
  return Math.max(jittered, retryAfterMs);
}
