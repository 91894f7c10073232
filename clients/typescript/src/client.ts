import { backoffMs, readAnswer } from './answers.js';
import type { CloudEvent, EventResult } from './events.js';

/** A credential: an API key, or a function asked before every request (a token provider that renews its token). */
export type Credentials = string | (() => string | Promise<string>);

export interface ClientOptions {
  /** The gateway, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string;
  credentials: Credentials;
  /** A batch is sent once it holds this many events (500; the gateway takes at most 10,000) … */
  maxBatchEvents?: number;
  /** … or this many bytes of JSON (1 MiB; the gateway takes at most 5 MiB) … */
  maxBatchBytes?: number;
  /** … or once its first event waited this long (50 ms). */
  lingerMs?: number;
  /** Requests that carry an event before the client gives up on it (10). */
  maxAttempts?: number;
  /** The first wait before sending again, doubled up to `maxBackoffMs` (100 ms, 10 s), with jitter. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** How long one request may take before its events are sent again (30,000 ms). */
  requestTimeoutMs?: number;
  /** Requests under way at once (4). */
  maxRequestsInFlight?: number;
  /** Events held at most (buffered, in flight, or waiting to be sent again): 10,000. */
  bufferCapacity?: number;
  /** When full: `wait` (the promise of `send` waits for room), `drop` (answered `dropped`, counted) or `fail` (throws). */
  whenFull?: 'wait' | 'drop' | 'fail';
  /** The fetch to use (the global one by default). */
  fetch?: typeof fetch;
}

interface Pending {
  event: CloudEvent;
  json: string;
  attempts: number;
  resolve: (result: EventResult) => void;
}

/** What a browser lets `fetch(…, {keepalive: true})` send (64 KiB in all), less room for the headers. */
const KEEPALIVE_BYTES = 60 * 1024;

/** Thrown by `send` when the buffer is full and `whenFull` is `fail`. */
export class BufferFullError extends Error {}

/**
 * Sends events to `POST /v1/events`: buffered into batches by count, bytes and time; sent again with the same ids
 * after `429`, `503` and other answers that say "later" (backoff with jitter, never sooner than `Retry-After`); each
 * event answered once with what became of it.
 */
export class GatewayClient {
  private readonly url: string;
  private readonly options: Required<Omit<ClientOptions, 'fetch' | 'credentials' | 'baseUrl'>>;
  private readonly fetcher: typeof fetch;
  private buffer: Pending[] = [];
  private bufferedBytes = 0;
  private readonly ready: Pending[][] = [];
  private held = 0;
  private inFlight = 0;
  private lingering: ReturnType<typeof setTimeout> | undefined;
  private readonly waitingForRoom: Array<() => void> = [];
  private readonly unanswered = new Set<Promise<EventResult>>();
  private droppedCount = 0;

  constructor(private readonly settings: ClientOptions) {
    this.url = settings.baseUrl.replace(/\/+$/, '') + '/v1/events';
    this.options = {
      maxBatchEvents: settings.maxBatchEvents ?? 500,
      maxBatchBytes: settings.maxBatchBytes ?? 1024 * 1024,
      lingerMs: settings.lingerMs ?? 50,
      maxAttempts: settings.maxAttempts ?? 10,
      initialBackoffMs: settings.initialBackoffMs ?? 100,
      maxBackoffMs: settings.maxBackoffMs ?? 10_000,
      maxRequestsInFlight: settings.maxRequestsInFlight ?? 4,
      requestTimeoutMs: settings.requestTimeoutMs ?? 30_000,
      bufferCapacity: settings.bufferCapacity ?? 10_000,
      whenFull: settings.whenFull ?? 'wait',
    };
    this.fetcher = settings.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /** Buffers `event`; resolves once the gateway answered for it (or the client gave up). */
  async send<D>(event: CloudEvent<D>): Promise<EventResult<D>> {
    while (this.held >= this.options.bufferCapacity) {
      if (this.options.whenFull === 'drop') {
        this.droppedCount++;
        return { kind: 'dropped', event, attempts: 0 };
      }
      if (this.options.whenFull === 'fail') {
        throw new BufferFullError(`the client holds ${this.options.bufferCapacity} unsent events`);
      }
      await new Promise<void>((resolve) => this.waitingForRoom.push(resolve));
    }
    this.held++;
    let resolve!: (result: EventResult) => void;
    const result = new Promise<EventResult>((done) => (resolve = done));
    this.unanswered.add(result);
    void result.then(() => this.unanswered.delete(result));
    const json = JSON.stringify(event);
    this.buffer.push({ event, json, attempts: 0, resolve });
    this.bufferedBytes += byteLength(json) + 1;
    if (this.buffer.length >= this.options.maxBatchEvents || this.bufferedBytes >= this.options.maxBatchBytes) {
      this.cutBatches(false);
    } else if (this.lingering === undefined) {
      this.lingering = setTimeout(() => this.flushBuffered(), this.options.lingerMs);
    }
    this.dispatch();
    return result as Promise<EventResult<D>>;
  }

  /** Sends `events` now (with whatever else is buffered); their results in the same order. */
  async sendBatch<D>(events: CloudEvent<D>[]): Promise<EventResult<D>[]> {
    const results = events.map((event) => this.send(event));
    // the sends above may wait for room: flush once each is buffered
    await Promise.resolve();
    this.flushBuffered();
    return Promise.all(results);
  }

  /** Sends what is buffered now; resolves once every event given so far is answered. */
  async flush(): Promise<void> {
    this.flushBuffered();
    await Promise.all([...this.unanswered]);
  }

  /** Events answered `dropped` because the buffer was full. */
  get dropped(): number {
    return this.droppedCount;
  }

  /**
   * Sends everything not sent yet at once with `fetch(…, {keepalive: true})`, which the browser completes after the
   * page is gone, in bodies under its 64 KiB bound. For page hide: if the page lives on, the answers are read as
   * usual.
   */
  flushKeepalive(): void {
    const pending = [...this.ready.splice(0).flat(), ...this.buffer];
    this.buffer = [];
    this.bufferedBytes = 0;
    this.clearLinger();
    let batch: Pending[] = [];
    let bytes = 2;
    for (const event of pending) {
      const size = byteLength(event.json) + 1;
      if (batch.length > 0 && bytes + size > KEEPALIVE_BYTES) {
        this.inFlight++;
        void this.post(batch, true);
        batch = [];
        bytes = 2;
      }
      batch.push(event);
      bytes += size;
    }
    if (batch.length > 0) {
      this.inFlight++;
      void this.post(batch, true);
    }
  }

  private flushBuffered(): void {
    this.cutBatches(true);
    this.dispatch();
  }

  private cutBatches(all: boolean): void {
    while (
      this.buffer.length > 0 &&
      (all || this.buffer.length >= this.options.maxBatchEvents || this.bufferedBytes >= this.options.maxBatchBytes)
    ) {
      const batch: Pending[] = [];
      let bytes = 0;
      while (
        this.buffer.length > 0 &&
        batch.length < this.options.maxBatchEvents &&
        (batch.length === 0 || bytes + byteLength(this.buffer[0].json) + 1 <= this.options.maxBatchBytes)
      ) {
        const next = this.buffer.shift()!;
        bytes += byteLength(next.json) + 1;
        batch.push(next);
      }
      this.bufferedBytes -= bytes;
      this.ready.push(batch);
    }
    if (this.buffer.length === 0) {
      this.clearLinger();
    }
  }

  private clearLinger(): void {
    if (this.lingering !== undefined) {
      clearTimeout(this.lingering);
      this.lingering = undefined;
    }
  }

  private dispatch(): void {
    while (this.inFlight < this.options.maxRequestsInFlight && this.ready.length > 0) {
      this.inFlight++;
      void this.post(this.ready.shift()!);
    }
  }

  private async post(batch: Pending[], keepalive = false): Promise<void> {
    batch.forEach((pending) => pending.attempts++);
    let response: Response | undefined;
    let body = '';
    let failure = 'no answer';
    try {
      response = await this.fetcher(this.url, {
        method: 'POST',
        keepalive,
        // a keepalive request outlives the page: no timeout of the page's
        signal: keepalive ? undefined : AbortSignal.timeout(this.options.requestTimeoutMs),
        headers: { 'Content-Type': 'application/cloudevents-batch+json', Authorization: await this.authorization() },
        body: '[' + batch.map((pending) => pending.json).join(',') + ']',
      });
      body = await response.text();
    } catch (error) {
      response = undefined;
      failure = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
    this.inFlight--;
    if (!response) {
      this.again(batch, batch.map(() => failure), 0);
    } else {
      const answer = readAnswer(
        response.status,
        response.headers.get('Retry-After'),
        body,
        batch.map((pending) => pending.event),
        batch.map((pending) => pending.attempts),
      );
      if (answer.tooLarge) {
        // over the gateway's bounds: the halves, at no extra attempt
        batch.forEach((pending) => pending.attempts--);
        const half = Math.floor(batch.length / 2);
        this.ready.unshift(batch.slice(0, half), batch.slice(half));
      } else {
        const retried: Pending[] = [];
        const reasons: string[] = [];
        answer.perEvent.forEach((perEvent, i) => {
          if ('result' in perEvent) {
            this.finish(batch[i], perEvent.result);
          } else {
            retried.push(batch[i]);
            reasons.push(perEvent.retry);
          }
        });
        this.again(retried, reasons, answer.retryAfterMs);
      }
    }
    this.dispatch();
  }

  private again(batch: Pending[], reasons: string[], retryAfterMs: number): void {
    const retried: Pending[] = [];
    let attempts = 0;
    batch.forEach((pending, i) => {
      if (pending.attempts >= this.options.maxAttempts) {
        this.finish(pending, { kind: 'gave-up', event: pending.event, reason: reasons[i], attempts: pending.attempts });
      } else {
        retried.push(pending);
        attempts = Math.max(attempts, pending.attempts);
      }
    });
    if (retried.length === 0) {
      return;
    }
    const wait = backoffMs(attempts, this.options.initialBackoffMs, this.options.maxBackoffMs, retryAfterMs);
    setTimeout(() => {
      this.ready.unshift(retried);
      this.dispatch();
    }, wait);
  }

  private finish(pending: Pending, result: EventResult): void {
    this.held--;
    this.waitingForRoom.shift()?.();
    pending.resolve(result);
  }

  private async authorization(): Promise<string> {
    const credentials = this.settings.credentials;
    return 'Bearer ' + (typeof credentials === 'string' ? credentials : await credentials());
  }
}

function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}
