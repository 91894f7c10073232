export { makeEvent } from './events.js';
export type { CloudEvent, EventResult, FieldError } from './events.js';
export { GatewayClient, BufferFullError } from './client.js';
export type { ClientOptions, Credentials } from './client.js';
export { EventStream } from './stream.js';
export type { StreamOptions, WebSocketLike } from './stream.js';
export { flushOnPageHide } from './pagehide.js';
export { fetchCatalog, typesModule } from './catalog.js';
export type { Catalog } from './catalog.js';
