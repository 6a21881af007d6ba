import { createServer, type IncomingHttpHeaders } from 'node:http';
import { SMTPServer } from 'smtp-server';
import type { Teardown } from './processes.ts';

/** WebhookCall is one request a webhook receiver got. */
export interface WebhookCall {
  method: string;
  /** url is the path and query the call was made to. */
  url: string;
  headers: IncomingHttpHeaders;
  raw: string;
  body: {
    id: string;
    bookingId: string | null;
    recipient: { id: string; name: string };
    message: string;
  };
}

/**
 * startWebhookReceiver listens on 127.0.0.1 like an SMS or push gateway would, recording every
 * call; `answer` decides each status (200 unless told otherwise), its headers and body, and
 * how long it takes, or whether it hangs: never answers, until the caller gives up.
 */
export async function startWebhookReceiver(
  t: Teardown,
  answer: {
    status?: (call: WebhookCall) => number;
    headers?: (call: WebhookCall) => Record<string, string>;
    body?: (call: WebhookCall) => string;
    delayMs?: (call: WebhookCall) => number;
    hang?: (call: WebhookCall) => boolean;
  } = {},
): Promise<{ url: string; calls: WebhookCall[] }> {
  const calls: WebhookCall[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => {
      raw += chunk;
    });
    req.on('end', () => {
      // A GET (a client following a redirect) has no body.
      const body = raw ? JSON.parse(raw) : { id: '', bookingId: null, recipient: {}, message: '' };
      const call = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        raw,
        body,
      };
      calls.push(call);
      if (answer.hang?.(call)) return;
      setTimeout(
        () =>
          res
            .writeHead(answer.status?.(call) ?? 200, answer.headers?.(call) ?? {})
            .end(answer.body?.(call) ?? ''),
        answer.delayMs?.(call) ?? 0,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/hooks/notify`, calls };
}

/** Mail is one message an SMTP receiver got. */
export interface Mail {
  from: string;
  to: string[];
  data: string;
}

/** startSmtpReceiver is a real SMTP server on 127.0.0.1 (no TLS, no auth) that keeps what it gets. */
export async function startSmtpReceiver(t: Teardown): Promise<{ url: string; mails: Mail[] }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      let data = '';
      stream.on('data', (chunk: Buffer) => {
        data += chunk.toString();
      });
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          data,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `smtp://127.0.0.1:${port}`, mails };
}
