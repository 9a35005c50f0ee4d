export * from './candles.ts';
export * from './processed-messages.ts';
export * from './system-events.ts';
export * from './agent-outputs.ts';
export * from './llm-calls.ts';
export * from './llm-reply-cache.ts';
export * from './sentiment-inputs.ts';
export * from './trading-signals.ts';
