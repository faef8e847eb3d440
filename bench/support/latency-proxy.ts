/** A delaying HTTP proxy: AWS-like latency in front of DynamoDB Local (or any local server) for the benchmarks. */
import { createServer, request as httpRequest, type Server } from 'node:http';

export interface LatencyProxy {
  url: string;
  /** Requests passed on so far. */
  count: () => number;
  close: () => Promise<void>;
}

/** An HTTP proxy that holds each request `delayMs` before passing it on, and counts them. */
export async function latencyProxy(target: string, delayMs: number): Promise<LatencyProxy> {
  const to = new URL(target);
  let count = 0;
  const server: Server = createServer((req, res) => {
    count++;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      setTimeout(() => {
        const out = httpRequest(
          { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        out.on('error', () => res.destroy());
        out.end(Buffer.concat(chunks));
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    count: () => count,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
