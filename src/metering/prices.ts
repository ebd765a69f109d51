// Lambda's billing arithmetic (lambda-reference §7.4): a price per request and per
// GB-second of billed duration, by architecture; GB-s = billed ms / 1000 × MB / 1024.
export type Architecture = 'x86_64' | 'arm64';

export interface PriceTable {
  readonly currency: 'USD';
  readonly requestsPerMillion: number;
  readonly gbSecond: Readonly<Record<Architecture, number>>;
  /** Lambda's monthly free tier (1M requests, 400,000 GB-s), applied to report totals when on. */
  readonly freeTier: boolean;
  /** Price every function at this architecture instead of its own (config billingArchitecture). */
  readonly fixedArchitecture?: Architecture | undefined;
}

export const FREE_TIER = { requests: 1_000_000, gbSeconds: 400_000 } as const;

/** Lambda's published first-tier prices in us-east-1. */
export const LAMBDA_PRICES: PriceTable = {
  currency: 'USD', requestsPerMillion: 0.2, gbSecond: { x86_64: 0.0000166667, arm64: 0.0000133334 }, freeTier: false,
};

/** Σ billed ms × MB → GB-s. Kept as MB·ms up to here so sums stay exact integers. */
export function gbSecondsOf(mbMs: number): number {
  return mbMs / 1000 / 1024;
}

export function gbSeconds(billedMs: number, memoryMb: number): number {
  return gbSecondsOf(billedMs * memoryMb);
}

export interface Cost {
  readonly requests: number;
  readonly billedMs: number;
  readonly gbSeconds: number;
  readonly requestCost: number;
  readonly computeCost: number;
  readonly totalCost: number;
}

export const NO_COST: Cost = { requests: 0, billedMs: 0, gbSeconds: 0, requestCost: 0, computeCost: 0, totalCost: 0 };

/** The cost of `requests` calls that used `mbMs` (Σ billed ms × MB) on one architecture. */
export function costOf(prices: PriceTable, architecture: Architecture, requests: number, billedMs: number, mbMs: number): Cost {
  const gbs = gbSecondsOf(mbMs);
  const requestCost = (requests * prices.requestsPerMillion) / 1_000_000;
  const computeCost = gbs * prices.gbSecond[prices.fixedArchitecture ?? architecture];
  return { requests, billedMs, gbSeconds: gbs, requestCost, computeCost, totalCost: requestCost + computeCost };
}

export function addCosts(a: Cost, b: Cost): Cost {
  return {
    requests: a.requests + b.requests, billedMs: a.billedMs + b.billedMs, gbSeconds: a.gbSeconds + b.gbSeconds,
    requestCost: a.requestCost + b.requestCost, computeCost: a.computeCost + b.computeCost, totalCost: a.totalCost + b.totalCost,
  };
}
