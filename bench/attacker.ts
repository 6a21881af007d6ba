// A worker thread for scenario 8: attacker loops with an event loop of their own, so that
// parsing their large answers does not delay the reader's measurements in the main thread.
import { parentPort, workerData } from 'node:worker_threads';

/** AttackerOptions are what the main thread sends: where, as whom, what, and for how long. */
export interface AttackerOptions {
  url: string;
  tokens: string[];
  query: string;
  durationMs: number;
}

const { url, tokens, query, durationMs } = workerData as AttackerOptions;
const deadline = Date.now() + durationMs;
let attacks = 0;
let refused = 0;
await Promise.all(
  tokens.map(async (token) => {
    while (Date.now() < deadline) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query }),
      });
      await response.arrayBuffer();
      if (response.status !== 429) {
        attacks++;
        continue;
      }
      // Refused: come back when told to (a flood of refused requests is another attack, one
      // for a proxy in front of the service).
      refused++;
      const wait = Number(response.headers.get('retry-after') ?? 1) * 1000;
      await new Promise((resolve) => setTimeout(resolve, Math.min(wait, deadline - Date.now())));
    }
  }),
);
parentPort?.postMessage({ attacks, refused });
