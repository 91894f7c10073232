import assert from 'node:assert/strict';
import { test } from 'node:test';
import { typesModule } from '../src/index.js';
import { typeCheck } from './typecheck.js';

const catalog = { types: [{ type: 'analytics.page_view', description: 'A user viewed a page.', schema: { id: 7 } }] };
const pageView = {
  type: 'record',
  name: 'PageView',
  fields: [
    { name: 'user_id', type: 'string' },
    { name: 'session_id', type: ['null', 'string'], default: null },
    { name: 'device', type: { type: 'enum', name: 'DeviceType', symbols: ['DESKTOP', 'MOBILE'] }, default: 'DESKTOP' },
    { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'tags', type: { type: 'array', items: 'string' }, default: [] },
  ],
};
const click = {
  type: 'record',
  name: 'Click',
  doc: 'A user clicked.',
  fields: [
    { name: 'user_id', type: 'string' },
    { name: 'device', type: 'DeviceType' },
  ],
};
// a family's subject holds a union of its types' records, told apart by their doc
const family = [{ ...pageView, doc: 'A user viewed a page.' }, click];
catalog.types.push({ type: 'analytics.click', description: 'A user clicked.', schema: { id: 8 } });
const generated = typesModule(catalog, new Map<number, unknown>([[7, pageView], [8, family]]) as never, '../src/index.js');

test('the generated helpers compile, and make the event of their type', () => {
  assert.match(generated, /export interface AnalyticsPageView/);
  const uses = `import { analyticsClick, analyticsPageView } from './catalog.js';
const event = analyticsPageView('/shop/web', { user_id: 'u-1', device: 'MOBILE', at: '2026-12-02T10:00:00Z' });
export const type: 'analytics.page_view' | string = event.type;
export const clicked = analyticsClick('/shop/web', { user_id: 'u-1', device: 'DESKTOP' });
`;
  assert.deepEqual(typeCheck({ 'catalog.ts': generated, 'uses.ts': uses }), []);
});

test('a missing field, an unknown one or a value outside an enum does not compile', () => {
  const wrong = `import { analyticsPageView } from './catalog.js';
analyticsPageView('/shop/web', { device: 'MOBILE', at: 1 });
analyticsPageView('/shop/web', { user_id: 'u-1', at: 1, usr: 'typo' });
analyticsPageView('/shop/web', { user_id: 'u-1', at: 1, device: 'WATCH' });
`;
  const messages = typeCheck({ 'catalog.ts': generated, 'wrong.ts': wrong });
  assert.equal(messages.length, 3, messages.join('\n'));
  assert.ok(messages.some((message) => message.includes('user_id')));
  assert.ok(messages.some((message) => message.includes('usr')));
  assert.ok(messages.some((message) => message.includes('WATCH')));
});
