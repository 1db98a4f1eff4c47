/**
 * Bounds for every AWS SDK call a handler makes. Amazon Connect waits at most 8 seconds for a Lambda
 * reply; with these the worst case (two attempts that each time out, plus backoff) stays near 3 seconds,
 * so a handler always answers with an explicit ERROR the flow can branch on.
 */
export const SDK_BOUNDS = {
  maxAttempts: 2,
  connectionTimeoutMs: 500,
  requestTimeoutMs: 1000,
} as const;

/** Client options that apply SDK_BOUNDS; usable with any SDK v3 client. */
export function boundedClientOptions() {
  return {
    maxAttempts: SDK_BOUNDS.maxAttempts,
    requestHandler: {
      connectionTimeout: SDK_BOUNDS.connectionTimeoutMs,
      requestTimeout: SDK_BOUNDS.requestTimeoutMs,
      // Without this the SDK only logs a warning when requestTimeout passes and keeps waiting.
      throwOnRequestTimeout: true,
    },
  };
}
