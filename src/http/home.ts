import type { IncomingMessage, ServerResponse } from 'node:http';
import { ENDPOINTS, type EndpointName } from './endpoints.ts';

/**
 * sendHome answers `GET /`: what this server serves, each endpoint with its URL and purpose.
 * A browser (Accept naming text/html before any JSON) gets a small HTML page of links; anything
 * else, curl included, gets JSON.
 */
export function sendHome(
  req: IncomingMessage,
  res: ServerResponse,
  urls: Partial<Record<EndpointName, string>>,
): void {
  const endpoints = (Object.keys(urls) as EndpointName[])
    .filter((name) => name !== 'index')
    .map((name) => ({ name, url: urls[name] as string, about: ENDPOINTS[name].about }));
  const headers = { 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' };
  if (wantsHtml(req.headers.accept)) {
    const items = endpoints
      .map(
        ({ name, url, about }) =>
          `<li><a href="${escapeHtml(url)}">${escapeHtml(ENDPOINTS[name].path)}</a>: ${escapeHtml(about)}</li>`,
      )
      .join('\n      ');
    const body = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>schoolbell</title></head>
  <body>
    <h1>schoolbell</h1>
    <p>A Postgres-native job service for a tutoring platform. Served here:</p>
    <ul>
      ${items}
    </ul>
  </body>
</html>
`;
    res.writeHead(200, {
      ...headers,
      'content-type': 'text/html; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    });
    res.end(body);
    return;
  }
  const body = JSON.stringify({ service: 'schoolbell', endpoints });
  res.writeHead(200, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** wantsHtml says whether an Accept header names text/html and no JSON type before it. */
function wantsHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  const html = accept.indexOf('text/html');
  const json = accept.search(/application\/(\w+\+)?json/);
  return html >= 0 && (json < 0 || html < json);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
