/** A token bucket: `rate` requests per second, in bursts of `burst`. */
export interface RateLimit {
  rate: number;
  burst: number;
}

/** Returns a check that counts each request it lets through: 0 when it may come, else seconds to wait. */
export function rateLimiter(limit: RateLimit | undefined): () => number {
  if (!limit) return () => 0;
  const bucket = { tokens: limit.burst, at: Date.now() };
  return () => {
    const now = Date.now();
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * limit.rate);
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / limit.rate));
  };
}
