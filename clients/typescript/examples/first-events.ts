import { GatewayClient, makeEvent, type EventResult } from '../src/index.js';

// dev mode prints its key: "dev api key: egk_…"
export async function firstEvents(baseUrl = 'http://127.0.0.1:8080', key = process.env.GATEWAY_KEY!): Promise<EventResult[]> {
  const client = new GatewayClient({ baseUrl, credentials: key });
  const view = makeEvent('analytics.page_view', '/docs/example', {
    user_id: 'u-1',
    url: 'https://shop.example/p/1',
    device: 'DESKTOP',
  });
  const broken = makeEvent('analytics.page_view', '/docs/example', { url: 'no user' });
  // one result per event: 'acknowledged' with its Kafka offset, or 'refused' with the field and why
  const results = await client.sendBatch([view, broken]);
  results.forEach((result) => console.log(result.kind, JSON.stringify(result)));
  return results;
}
