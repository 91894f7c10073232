import { backoffMs, fieldErrors, TRANSIENT } from './answers.js';
import type { CloudEvent, EventResult } from './events.js';

/** What the stream needs of a WebSocket: the browser's, Node 22's, or the `ws` package's. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export interface StreamOptions {
  /** The gateway, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string;
  /**
   * Opens a WebSocket to `url` with these headers (the `Authorization` the gateway needs). Browsers cannot set
   * headers on a WebSocket; in Node pass the `ws` package's: `(url, headers) => new WebSocket(url, { headers })`.
   */
  connect: (url: string, headers: Record<string, string>) => WebSocketLike;
  /** An API key, or a function asked on every connection. */
  credentials: string | (() => string | Promise<string>);
  /** Events held unacknowledged at most; `send` waits beyond (1,000). */
  maxUnacknowledged?: number;
  /** Sends of one event Kafka refused for now before giving up (20). */
  maxAttempts?: number;
}

interface Pending {
  event: CloudEvent;
  frame: string;
  attempts: number;
  resolve: (result: EventResult) => void;
}

/**
 * Sends events over the WebSocket `/v1/stream`: one frame per event, each answered by one ack, in order, once Kafka
 * acknowledged it. When the connection drops (a gateway restart), connects again with backoff and sends every event
 * not acknowledged yet, in order and with its id: nothing is lost and the gateway stores each event once.
 */
export class EventStream {
  private socket: WebSocketLike | undefined;
  /** Sent on the current connection, not acknowledged, in the order sent: the acks come in this order. */
  private sent: Pending[] = [];
  private unsent: Pending[] = [];
  private connecting = false;
  private failedConnects = 0;
  private closed = false;
  /** Events Kafka refused for now, waiting for their backoff before they are sent again. */
  private parked = 0;
  private readonly waitingForRoom: Array<() => void> = [];
  /** Connections made so far. */
  connections = 0;

  constructor(private readonly options: StreamOptions) {
    this.connect();
  }

  /** Sends `event`; resolves with its ack. Waits while `maxUnacknowledged` events are held. */
  async send<D>(event: CloudEvent<D>): Promise<EventResult<D>> {
    if (this.closed) {
      throw new Error('the stream is closed');
    }
    while (this.sent.length + this.unsent.length >= (this.options.maxUnacknowledged ?? 1000)) {
      await new Promise<void>((resolve) => this.waitingForRoom.push(resolve));
    }
    const result = new Promise<EventResult>((resolve) =>
      this.unsent.push({ event, frame: JSON.stringify(event), attempts: 0, resolve }),
    );
    this.sendUnsent();
    return result as Promise<EventResult<D>>;
  }

  /** Closes the connection once every event given is answered. */
  async close(): Promise<void> {
    while (this.sent.length + this.unsent.length + this.parked > 0) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    this.closed = true;
    this.socket?.close(1000, 'done');
  }

  private async connect(): Promise<void> {
    if (this.connecting || this.closed) {
      return;
    }
    this.connecting = true;
    const credentials = this.options.credentials;
    const url = this.options.baseUrl.replace(/^http/, 'ws').replace(/\/+$/, '') + '/v1/stream';
    let socket: WebSocketLike;
    try {
      const key = typeof credentials === 'string' ? credentials : await credentials();
      socket = this.options.connect(url, { Authorization: 'Bearer ' + key });
    } catch {
      this.connecting = false;
      this.failedConnects++;
      this.reconnectLater();
      return;
    }
    socket.onopen = () => {
      this.connecting = false;
      this.failedConnects = 0;
      this.connections++;
      this.socket = socket;
      this.sendUnsent();
    };
    socket.onmessage = (message) => this.acknowledged(socket, String(message.data));
    socket.onclose = () => this.lost(socket);
    socket.onerror = () => this.lost(socket);
  }

  private lost(socket: WebSocketLike): void {
    if (this.socket === socket) {
      this.socket = undefined;
      // what was sent on it goes first, in order, on the next connection
      this.unsent = [...this.sent, ...this.unsent];
      this.sent = [];
      this.reconnectLater();
    } else if (this.connecting && this.socket === undefined) {
      this.connecting = false;
      this.failedConnects++;
      this.reconnectLater();
    }
  }

  private reconnectLater(): void {
    if (!this.closed) {
      setTimeout(() => void this.connect(), backoffMs(Math.max(1, this.failedConnects), 200, 5000, 0));
    }
  }

  private sendUnsent(): void {
    const socket = this.socket;
    while (socket && socket.readyState === 1 && this.unsent.length > 0) {
      const next = this.unsent.shift()!;
      next.attempts++;
      this.sent.push(next);
      socket.send(next.frame);
    }
  }

  private acknowledged(socket: WebSocketLike, text: string): void {
    let ack: { status?: number; topic?: string; partition?: number; offset?: number; errors?: [] };
    try {
      ack = JSON.parse(text);
    } catch {
      return;
    }
    if (socket !== this.socket || this.sent.length === 0) {
      return;
    }
    const pending = this.sent.shift()!;
    this.waitingForRoom.shift()?.();
    const status = ack.status ?? 0;
    if (ack.offset !== undefined && status < 300) {
      pending.resolve({
        kind: 'acknowledged',
        event: pending.event,
        topic: ack.topic ?? '',
        partition: ack.partition ?? 0,
        offset: ack.offset,
        attempts: pending.attempts,
      });
    } else if (TRANSIENT.has(status) && pending.attempts < (this.options.maxAttempts ?? 20)) {
      // Kafka refused it for now: sent again after the others (its id keeps it stored once)
      this.parked++;
      setTimeout(() => {
        this.parked--;
        this.unsent.push(pending);
        this.sendUnsent();
      }, backoffMs(pending.attempts, 200, 5000, 0));
    } else if (TRANSIENT.has(status)) {
      pending.resolve({ kind: 'gave-up', event: pending.event, reason: `${status}`, attempts: pending.attempts });
    } else {
      pending.resolve({
        kind: 'refused',
        event: pending.event,
        status,
        errors: fieldErrors(ack.errors),
        attempts: pending.attempts,
      });
    }
  }
}
