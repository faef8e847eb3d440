import type { HttpResponse } from '../bot/adapters/channels/telegram/webhook.js';

/**
 * A Function URL handler that may answer before it is done: `run` gets `respond`, and what it
 * gives there reaches the caller at once (the URL's invoke mode is RESPONSE_STREAM), while the
 * invocation lasts until `run` resolves: Lambda's runtime awaits the handler, not the stream.
 * Outside Lambda's Node.js runtime (no `awslambda.streamifyResponse`), a plain handler that returns the response.
 */
export function streamed<E>(
  run: (event: E, respond: (response: HttpResponse) => void) => Promise<HttpResponse>,
): unknown {
  // Other modules may make an `awslambda` of their own (the SDK's invoke store does): only the runtime's streams.
  const lambda = (globalThis as unknown as { awslambda?: Partial<typeof awslambda> }).awslambda;
  if (typeof lambda?.streamifyResponse !== 'function' || !lambda.HttpResponseStream)
    return (event: E) => run(event, () => undefined);
  const { HttpResponseStream } = lambda;
  return lambda.streamifyResponse<E, Promise<void>>(async (event, stream) => {
    let answered = false;
    const respond = (response: HttpResponse) => {
      if (answered) return;
      answered = true;
      HttpResponseStream.from(stream, {
        statusCode: response.statusCode,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      }).end(response.body);
    };
    respond(await run(event, respond));
  });
}
