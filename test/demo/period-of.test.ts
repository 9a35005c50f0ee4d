import { describe, expect, it } from 'vitest';
import { periodOf } from '../../src/demo/run-demo.ts';

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

describe("the demo's period", () => {
  it('runs from --from for --days days, 60 when neither --days nor --to is given, with no upper cap', () => {
    expect(periodOf({ from: '2021-11-01', days: 3 })).toEqual({ fromMs: day('2021-11-01'), toMs: day('2021-11-04') });
    expect(periodOf({ from: '2021-11-01' })).toEqual({ fromMs: day('2021-11-01'), toMs: day('2021-12-31') });
    expect(periodOf({ from: '2020-01-01', days: 1000 }).toMs).toBe(day('2022-09-27'));
  });

  it('runs up to --to, exclusive', () => {
    expect(periodOf({ from: '2021-11-01', to: '2022-11-01' })).toEqual({
      fromMs: day('2021-11-01'),
      toMs: day('2022-11-01'),
    });
  });

  it.each([
    [{ from: '2021-13-45', days: 1 }, '--from "2021-13-45": expected a date such as 2021-11-01'],
    [{ from: 'yesterday', days: 1 }, '--from "yesterday": expected a date such as 2021-11-01'],
    [{ from: '2021-02-30', days: 1 }, '--from "2021-02-30": expected a date such as 2021-11-01'],
    [{ from: '2021-11-01T12:00:00Z', days: 1 }, '--from "2021-11-01T12:00:00Z": expected a date such as 2021-11-01'],
    [{ from: '2021-11-01', to: 'soon' }, '--to "soon": expected a date such as 2021-11-01'],
    [{ from: '2021-11-01', to: '2021-11-01' }, '--to 2021-11-01 is not after --from 2021-11-01'],
    [{ from: '2021-11-01', days: 3, to: '2021-12-01' }, '--days and --to both given: give the end of the replay once'],
    [{ from: '2021-11-01', days: 0 }, '--days 0: expected a whole number of days, at least 1'],
    [{ from: '2021-11-01', days: 1.5 }, '--days 1.5: expected a whole number of days, at least 1'],
  ])('refuses %j, saying why', (options, message) => {
    expect(() => periodOf(options)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message }));
  });
});
