#!/usr/bin/env node
// event-gateway-types [baseUrl] [key]: prints typed event helpers for the gateway's catalog (src/catalog.ts)
import { fetchCatalog, typesModule } from './catalog.js';

const baseUrl = process.argv[2] ?? 'http://127.0.0.1:8080';
const key = process.argv[3] ?? process.env.GATEWAY_KEY;
if (!key) {
  console.error('usage: event-gateway-types [baseUrl] [key] (or GATEWAY_KEY)');
  process.exit(2);
}
const { catalog, schemas } = await fetchCatalog(baseUrl, key);
process.stdout.write(typesModule(catalog, schemas));
