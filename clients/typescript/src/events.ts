/** A structured-mode CloudEvent as the gateway reads it. */
export interface CloudEvent<D = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject?: string;
  time?: string;
  datacontenttype: 'application/json';
  data: D;
}

/** Why the gateway refused an event: the field (e.g. `data.user_id`, empty for the whole event) and why. */
export interface FieldError {
  field: string;
  reason: string;
}

/** What became of one event: exactly one of these, once, for every event given to a client. */
export type EventResult<D = unknown> =
  | { kind: 'acknowledged'; event: CloudEvent<D>; topic: string; partition: number; offset: number; attempts: number }
  | { kind: 'refused'; event: CloudEvent<D>; status: number; errors: FieldError[]; attempts: number }
  | { kind: 'gave-up'; event: CloudEvent<D>; reason: string; attempts: number }
  | { kind: 'dropped'; event: CloudEvent<D>; attempts: 0 };

/**
 * An event of `type` from `source` with a new id, made once: a resend keeps it, so the gateway stores the event
 * once (its key is the tenant, `source` and `id`).
 */
export function makeEvent<D>(
  type: string,
  source: string,
  data: D,
  options: { id?: string; subject?: string; time?: Date } = {},
): CloudEvent<D> {
  const event: CloudEvent<D> = {
    specversion: '1.0',
    id: options.id ?? newId(),
    source,
    type,
    time: (options.time ?? new Date()).toISOString(),
    datacontenttype: 'application/json',
    data,
  };
  if (options.subject !== undefined) {
    event.subject = options.subject;
  }
  return event;
}

function newId(): string {
  const crypto = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (crypto?.randomUUID) {
    return crypto.randomUUID();
  }
  // Node 18 without the global: a version-4 layout from Math.random (unique enough for ids, not secret)
  return 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, (c) => {
    const r = (Math.random() * 16) | 0;
    return (c === 'x' ? r : (r & 0x3) | 0x8).toString(16);
  });
}
