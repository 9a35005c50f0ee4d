export * from './candles.ts';
export * from './processed-messages.ts';
export * from './system-events.ts';
