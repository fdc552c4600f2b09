/** How much a caller may spend in a burst, and how fast that allowance comes back. */
export interface BudgetRule {
  burst: number;
  perSecond: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Past this many live buckets the idle ones are dropped, so a spray of new keys cannot grow memory for ever. */
const MAX_BUCKETS = 200_000;

/**
 * Token buckets by key, in this process's memory. A refusal must cost less than the work it
 * refuses, so there is no I/O here: a flood that spreads over several nodes gets each node's
 * budget, which bounds it by the number of nodes — enough to stop one caller starving the rest.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number = Date.now) {}

  /** What the bucket holds now, without spending. */
  private refill(key: string, rule: BudgetRule, now: number): Bucket {
    const bucket = this.buckets.get(key);
    if (!bucket) return { tokens: rule.burst, at: now };
    return { tokens: Math.min(rule.burst, bucket.tokens + ((now - bucket.at) / 1000) * rule.perSecond), at: now };
  }

  /**
   * Spends `cost` from every bucket named, or from none: 0 when allowed, otherwise how long
   * until the emptiest one could pay. A refused call spends nothing, so a caller who is over
   * their own budget does not drain the shared (per-IP, per-workspace) ones for everybody else.
   */
  take(entries: readonly { key: string; rule: BudgetRule }[], cost = 1): number {
    const now = this.now();
    const filled = entries.map((entry) => ({ ...entry, bucket: this.refill(entry.key, entry.rule, now) }));
    let waitMs = 0;
    for (const { rule, bucket } of filled) {
      if (bucket.tokens >= cost) continue;
      const needed = Math.min(cost, rule.burst) - bucket.tokens;
      waitMs = Math.max(waitMs, Math.ceil((needed / rule.perSecond) * 1000));
    }
    if (waitMs > 0) return waitMs;
    if (this.buckets.size > MAX_BUCKETS) this.evictFull(now, entries);
    for (const { key, bucket } of filled) this.buckets.set(key, { tokens: bucket.tokens - cost, at: now });
    return 0;
  }

  /** Buckets that have refilled are the same as absent ones: dropping them forgets nothing. */
  private evictFull(now: number, keep: readonly { key: string; rule: BudgetRule }[]): void {
    const kept = new Set(keep.map((entry) => entry.key));
    // Without its rule a bucket's refill is unknown; a minute idle is full for every rule in use.
    for (const [key, bucket] of this.buckets) if (!kept.has(key) && now - bucket.at > 60_000) this.buckets.delete(key);
    if (this.buckets.size > MAX_BUCKETS) this.buckets.clear();
  }

  get size(): number {
    return this.buckets.size;
  }
}

/** The scopes a budget is counted in; each is optional, every one given must have room. */
export interface BudgetScopes {
  /** One connection (a socket). */
  connection?: string;
  /** One principal: a visitor (all their tabs) or an agent. */
  principal?: string;
  ip?: string;
  workspace?: string;
}

export type BudgetRules = Record<keyof BudgetScopes, BudgetRule>;

/** A refusal: what the caller is told. */
export interface Refusal {
  error: 'rate_limited';
  retryAfterMs: number;
}

/** One kind of traffic's budget over the four scopes (widget events, agent events, public HTTP). */
export class EventBudget {
  constructor(
    private readonly name: string,
    private readonly rules: BudgetRules,
    private readonly buckets = new TokenBuckets(),
  ) {}

  /** Spends `cost` in every scope given; a refusal when any of them is out. */
  spend(scopes: BudgetScopes, cost = 1): Refusal | undefined {
    const entries: { key: string; rule: BudgetRule }[] = [];
    for (const scope of ['connection', 'principal', 'ip', 'workspace'] as const) {
      const id = scopes[scope];
      if (id !== undefined) entries.push({ key: `${this.name}:${scope}:${id}`, rule: this.rules[scope] });
    }
    const retryAfterMs = this.buckets.take(entries, cost);
    return retryAfterMs > 0 ? { error: 'rate_limited', retryAfterMs } : undefined;
  }
}
