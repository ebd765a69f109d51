/** Lambda's FunctionConfiguration.LastModified form: `2024-05-01T12:00:00.000+0000`. */
export function lambdaTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('Z', '+0000');
}

export type Clock = () => number;
export const systemClock: Clock = () => Date.now();
