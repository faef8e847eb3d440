import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One Invoke request as the fake received it. */
export interface InvokeCall {
  functionName: string;
  invocationType: string | undefined;
  /** The request carried a SigV4 signature for the Lambda service. */
  signed: boolean;
  payload: unknown;
}

export interface FakeLambda {
  endpoint: string;
  calls: InvokeCall[];
  /**
   * How the next Invoke requests are answered, one status each, in order; 202 (an asynchronous
   * invocation queued) once the list is used up.
   */
  answers: number[];
  close(): Promise<void>;
}

/** Lambda's error types by status, as its REST API names them in `x-amzn-errortype`. */
const errorTypes: Record<number, string> = {
  400: 'InvalidRequestContentException',
  404: 'ResourceNotFoundException',
  429: 'TooManyRequestsException',
  500: 'ServiceException',
};

/**
 * A loopback stand-in for Lambda's Invoke API (REST, `POST
 * /2015-03-31/functions/{name}/invocations`): an `X-Amz-Invocation-Type: Event`
 * request is answered 202 with an empty body, as Lambda does once the event is
 * queued; `answers` makes it refuse some first. A request of any other path or
 * invocation type is answered 400, so a wrong call fails the test that made it.
 */
export async function startFakeLambda(): Promise<FakeLambda> {
  const calls: InvokeCall[] = [];
  const answers: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(req.url ?? '');
      const invocationType = req.headers['x-amz-invocation-type'] as string | undefined;
      const text = Buffer.concat(chunks).toString('utf8');
      let payload: unknown = text;
      try {
        payload = JSON.parse(text);
      } catch {
        // kept as text: the test sees what was sent
      }
      if (req.method !== 'POST' || !path || invocationType !== 'Event') {
        res.writeHead(400, { 'content-type': 'application/json', 'x-amzn-errortype': errorTypes[400]! });
        res.end(JSON.stringify({ message: `not an asynchronous Invoke: ${req.method} ${req.url}` }));
        return;
      }
      calls.push({
        functionName: decodeURIComponent(path[1]!),
        invocationType,
        signed: /^AWS4-HMAC-SHA256 Credential=[^,]+\/lambda\/aws4_request/.test(
          String(req.headers.authorization ?? ''),
        ),
        payload,
      });
      const status = answers.shift() ?? 202;
      if (status === 202) {
        res.writeHead(202, { 'x-amzn-requestid': `req-${calls.length}` });
        res.end();
        return;
      }
      res.writeHead(status, {
        'content-type': 'application/json',
        'x-amzn-errortype': errorTypes[status] ?? 'ServiceException',
      });
      res.end(JSON.stringify({ message: 'refused by the fake', Type: 'Service' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    answers,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
