import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, test } from 'node:test';
import WebSocket from 'ws';
import { firstEvents } from '../examples/first-events.js';
import { EventStream, GatewayClient, makeEvent, type EventResult } from '../src/index.js';

// Run by the gateway's TypeScriptClientIT against a real gateway, which then checks PostgreSQL for what this
// writes to GATEWAY_RESULTS; skipped when run alone without one.
const baseUrl = process.env.GATEWAY_URL;
const skip = baseUrl ? false : 'no gateway: GATEWAY_URL is not set (TypeScriptClientIT sets it)';
const results: Record<string, unknown> = {};
const pageView = (user: string) =>
  makeEvent('analytics.page_view', '/it/ts-sdk', { user_id: user, url: `https://shop.example/p/${user}`, device: 'DESKTOP' });
const acknowledged = (all: EventResult[]) => all.filter((result) => result.kind === 'acknowledged').map((result) => result.event.id);

test('a burst beyond the key\'s rate limit: every event acknowledged through retries', { skip }, async () => {
  const client = new GatewayClient({ baseUrl: baseUrl!, credentials: process.env.GATEWAY_LIMITED_KEY!, maxBatchEvents: 50, maxRequestsInFlight: 8, maxAttempts: 30 });
  const all = await Promise.all(Array.from({ length: 600 }, (_, i) => client.send(pageView(`burst-${i}`))));
  assert.deepEqual(new Set(all.map((result) => result.kind)), new Set(['acknowledged']));
  assert.ok(all.some((result) => result.attempts > 1), 'the rate limit was met');
  results.burst = acknowledged(all);
});

test('a batch with one invalid event reports it with its field; the rest is acknowledged', { skip }, async () => {
  const client = new GatewayClient({ baseUrl: baseUrl!, credentials: process.env.GATEWAY_KEY! });
  const batch = [pageView('b-0'), pageView('b-1'), makeEvent('analytics.page_view', '/it/ts-sdk', { url: 'no user' }), pageView('b-3')];
  const all = await client.sendBatch(batch);
  assert.equal(all[2].kind, 'refused');
  assert.ok(all[2].kind === 'refused' && all[2].errors.some((error) => error.field === 'data.user_id'));
  assert.deepEqual(all.filter((_, i) => i !== 2).map((result) => result.kind), ['acknowledged', 'acknowledged', 'acknowledged']);
  results.batch = { acknowledged: acknowledged(all), refused: [batch[2].id] };
});

test('a WebSocket stream: every event acknowledged, in order', { skip }, async () => {
  const stream = new EventStream({
    baseUrl: baseUrl!,
    credentials: process.env.GATEWAY_KEY!,
    connect: (url, headers) => new WebSocket(url, { headers }) as never,
    maxUnacknowledged: 100,
  });
  const all = await Promise.all(Array.from({ length: 300 }, (_, i) => stream.send(pageView(`stream-${i}`))));
  await stream.close();
  assert.deepEqual(new Set(all.map((result) => result.kind)), new Set(['acknowledged']));
  results.stream = acknowledged(all);
});

test("the README's first example runs as written", { skip }, async () => {
  const example = readFileSync(new URL('../../examples/first-events.ts', import.meta.url), 'utf8').trim();
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  assert.ok(readme.includes(example), 'README.md shows examples/first-events.ts as it is');
  const [view, broken] = await firstEvents(baseUrl, process.env.GATEWAY_KEY);
  assert.equal(view.kind, 'acknowledged');
  assert.equal(broken.kind, 'refused');
  results.example = [view.event.id];
});

after(() => {
  if (process.env.GATEWAY_RESULTS) {
    writeFileSync(process.env.GATEWAY_RESULTS, JSON.stringify(results));
  }
});
