import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { GatewayClient, makeEvent, type CloudEvent } from '../src/index.js';

type Reply = (events: CloudEvent[]) => { status: number; headers?: Record<string, string>; body: string };

const requests: Array<{ events: CloudEvent[]; at: number }> = [];
const replies: Reply[] = [];
const server = createServer((request: IncomingMessage, response: ServerResponse) => {
  let body = '';
  request.on('data', (chunk) => (body += chunk));
  request.on('end', () => {
    const events = JSON.parse(body) as CloudEvent[];
    requests.push({ events, at: Date.now() });
    const reply = (replies.shift() ?? ((): ReturnType<Reply> => ({ status: 500, body: '{"title":"no reply"}' })))(events);
    response.writeHead(reply.status, reply.headers ?? {});
    response.end(reply.body);
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
after(() => server.close());

const acknowledgeAll: Reply = (events) => ({
  status: 202,
  body: JSON.stringify({
    accepted: events.length,
    results: events.map((event, index) => ({ index, id: event.id, status: 202, topic: 't', partition: 0, offset: index })),
  }),
});

function client(options: Partial<ConstructorParameters<typeof GatewayClient>[0]> = {}) {
  return new GatewayClient({ baseUrl, credentials: 'egk_test', initialBackoffMs: 5, maxBackoffMs: 20, ...options });
}

const pageView = (user: string) =>
  makeEvent('analytics.page_view', '/test/web', { user_id: user, url: 'https://shop.example/' });

test('a 429 is sent again with the same ids, not before its Retry-After', async () => {
  requests.length = 0;
  replies.push(() => ({ status: 429, headers: { 'Retry-After': '1' }, body: '{"title":"rate-limited"}' }), acknowledgeAll);
  const results = await client().sendBatch([pageView('u-1'), pageView('u-2')]);
  assert.deepEqual(results.map((result) => [result.kind, result.attempts]), [['acknowledged', 2], ['acknowledged', 2]]);
  assert.deepEqual(requests[1].events.map((e) => e.id), requests[0].events.map((e) => e.id));
  assert.ok(requests[1].at - requests[0].at >= 990, `waited ${requests[1].at - requests[0].at} ms`);
});

test('a 207 answers each event: offsets, fields and reasons, and a 503 one sent again alone', async () => {
  requests.length = 0;
  replies.push(
    (events) => ({
      status: 207,
      body: JSON.stringify({
        results: [
          { index: 0, id: events[0].id, status: 202, topic: 'events.analytics', partition: 1, offset: 41 },
          { index: 1, id: events[1].id, status: 400, errors: [{ index: 1, field: 'data.user_id', reason: 'is required' }] },
          { index: 2, id: events[2].id, status: 503, errors: [{ field: '', reason: 'Kafka unavailable' }] },
        ],
      }),
    }),
    acknowledgeAll,
  );
  const third = pageView('u-3');
  const [first, second, last] = await client().sendBatch([pageView('u-1'), pageView('u-2'), third]);
  assert.equal(first.kind, 'acknowledged');
  assert.equal(first.kind === 'acknowledged' && first.offset, 41);
  assert.deepEqual(second.kind === 'refused' && second.errors, [{ field: 'data.user_id', reason: 'is required' }]);
  assert.deepEqual([last.kind, last.attempts], ['acknowledged', 2]);
  assert.deepEqual(requests[1].events.map((e) => e.id), [third.id]);
});

test('a batch too large (413) is sent again as halves; an event answered 503 every time is given up on', async () => {
  requests.length = 0;
  replies.push(() => ({ status: 413, body: '{}' }), acknowledgeAll, acknowledgeAll);
  const results = await client().sendBatch([pageView('a'), pageView('b'), pageView('c'), pageView('d')]);
  assert.deepEqual(results.map((result) => [result.kind, result.attempts]), Array(4).fill(['acknowledged', 1]));
  assert.deepEqual(requests.map((request) => request.events.length), [4, 2, 2]);
  replies.push(...Array(3).fill(() => ({ status: 503, body: '{"title":"Kafka unavailable"}' })));
  const gaveUp = await client({ maxAttempts: 3 }).send(pageView('e'));
  assert.equal(gaveUp.kind, 'gave-up');
  assert.equal(gaveUp.attempts, 3);
});

test('batches by count, the rest after the linger; a full buffer drops and counts', async () => {
  requests.length = 0;
  replies.push(acknowledgeAll, acknowledgeAll, acknowledgeAll);
  const batching = client({ maxBatchEvents: 2, lingerMs: 50 });
  await Promise.all([1, 2, 3, 4, 5].map((i) => batching.send(pageView(`u-${i}`))));
  assert.deepEqual(requests.map((request) => request.events.length), [2, 2, 1]);
  replies.push(acknowledgeAll);
  const dropping = client({ maxBatchEvents: 1, bufferCapacity: 1, whenFull: 'drop' });
  const first = dropping.send(pageView('x'));
  const second = await dropping.send(pageView('y'));
  assert.equal(second.kind, 'dropped');
  assert.equal(dropping.dropped, 1);
  assert.equal((await first).kind, 'acknowledged');
});
