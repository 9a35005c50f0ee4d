/** RFC3339 to the second, as Kraken writes `currentTime` and `timestamp`: "2023-03-24T17:41:56Z". */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
