import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import WebSocket from 'ws';
import { firstEvents } from '../examples/first-events.js';
import { EventStream, GatewayClient, fetchCatalog, makeEvent, typesModule, type EventResult } from '../src/index.js';
import { typeCheck } from './typecheck.js';

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

test('a WebSocket stream through a gateway restart: every event acknowledged once, in order', { skip }, async () => {
  const stream = new EventStream({
    baseUrl: baseUrl!,
    credentials: process.env.GATEWAY_KEY!,
    connect: (url, headers) => new WebSocket(url, { headers }) as never,
    maxUnacknowledged: 100,
  });
  const sent: Promise<EventResult>[] = [];
  for (let i = 0; i < 150; i++) {
    sent.push(stream.send(pageView(`stream-${i}`)));
  }
  await Promise.all(sent);
  // TypeScriptClientIT restarts the gateway when asked; events go on meanwhile, held until it is back
  const restartDir = process.env.GATEWAY_RESTART_DIR!;
  writeFileSync(join(restartDir, 'requested'), '');
  let i = 150;
  while (!existsSync(join(restartDir, 'restarted'))) {
    sent.push(stream.send(pageView(`stream-${i++}`)));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  for (const end = i + 150; i < end; i++) {
    sent.push(stream.send(pageView(`stream-${i}`)));
  }
  const all = await Promise.all(sent);
  await stream.close();
  assert.deepEqual(new Set(all.map((result) => result.kind)), new Set(['acknowledged']));
  assert.ok(stream.connections > 1, `connections: ${stream.connections}`);
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

test("typed helpers generated from the gateway's catalog compile, one per event type", { skip }, async () => {
  const { catalog, schemas } = await fetchCatalog(baseUrl!, process.env.GATEWAY_KEY!);
  const generated = typesModule(catalog, schemas, '../src/index.js');
  assert.equal((generated.match(/^export function /gm) ?? []).length, catalog.types.length);
  const uses = `import { analyticsPageView } from './catalog.js';
export const event = analyticsPageView('/it/ts-sdk', { user_id: 'u-1', url: 'https://shop.example/', device: 'MOBILE' });
`;
  assert.deepEqual(typeCheck({ 'catalog.ts': generated, 'uses.ts': uses }), []);
  const wrong = `import { analyticsPageView } from './catalog.js';
analyticsPageView('/it/ts-sdk', { url: 'https://shop.example/' });
`;
  assert.equal(typeCheck({ 'catalog.ts': generated, 'wrong.ts': wrong }).length, 1);
});

after(() => {
  if (process.env.GATEWAY_RESULTS) {
    writeFileSync(process.env.GATEWAY_RESULTS, JSON.stringify(results));
  }
});
