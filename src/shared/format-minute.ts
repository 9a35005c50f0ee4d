/** A time to the minute in UTC, as reports print it: `2021-11-01 04:00`. */
export function formatMinute(time: number | string | Date): string {
  return (typeof time === 'string' ? time : new Date(time).toISOString()).slice(0, 16).replace('T', ' ');
}
