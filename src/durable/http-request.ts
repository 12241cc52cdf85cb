import { request as httpRequestOf } from 'node:http';
import { request as httpsRequestOf } from 'node:https';

/** What an HTTP request got back. */
export interface HttpAnswer {
  readonly status: number;
  readonly text: string;
}

/**
 * One HTTP request on a connection of its own (no keep-alive pool: sensors and alerts call
 * rarely, and a pooled socket would outlive the run). Rejects on a network error or when no
 * answer came within `timeoutMs`.
 *
 * @example
 * ```ts
 * const { status } = await httpRequest('POST', 'http://127.0.0.1:8080/hook', { body: '{}' });
 * ```
 */
export function httpRequest(
  method: 'GET' | 'POST',
  url: string,
  options: {
    readonly body?: string;
    readonly headers?: Readonly<Record<string, string>>;
    readonly timeoutMs?: number;
  } = {},
): Promise<HttpAnswer> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const send = url.startsWith('https:') ? httpsRequestOf : httpRequestOf;
  return new Promise((resolve, reject) => {
    const request = send(
      url,
      { method, agent: false, timeout: timeoutMs, headers: { ...options.headers } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('timeout', () =>
      request.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)),
    );
    request.on('error', reject);
    request.end(options.body);
  });
}
