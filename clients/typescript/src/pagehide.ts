import type { GatewayClient } from './client.js';

/**
 * Sends what `client` has buffered when the page is hidden or left (`visibilitychange` to hidden, `pagehide`), with
 * `fetch(…, {keepalive: true})`, which the browser finishes after the page is gone. (`navigator.sendBeacon` cannot
 * carry the `Authorization` the gateway needs.) Returns a function that removes the listeners.
 */
export function flushOnPageHide(client: GatewayClient, target: Window & typeof globalThis = window): () => void {
  const onVisibility = () => {
    if (target.document.visibilityState === 'hidden') {
      client.flushKeepalive();
    }
  };
  const onPageHide = () => client.flushKeepalive();
  target.document.addEventListener('visibilitychange', onVisibility);
  target.addEventListener('pagehide', onPageHide);
  return () => {
    target.document.removeEventListener('visibilitychange', onVisibility);
    target.removeEventListener('pagehide', onPageHide);
  };
}
