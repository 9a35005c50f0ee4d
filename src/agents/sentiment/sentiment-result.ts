import type { PayloadOf } from '../../bus/message-catalog.ts';

/**
 * Why the sentiment agent measured nothing. `disabled`: `agents.sentiment.enabled` is false;
 * `no_model`: no configured model can be asked (none listed, only `rules`, or every provider
 * unknown or without an API key); `no_input`: too few headlines or posts in the window;
 * `model_failed`: every model failed, timed out or answered invalidly.
 */
export type SentimentAbstentionReason = 'disabled' | 'no_model' | 'no_input' | 'model_failed';

/**
 * The outcome of one sentiment run. An abstention carries no score: it is never reported as
 * a neutral 0, and nothing is published or stored for it.
 */
export type SentimentResult =
  | {
      status: 'scored';
      /** The `sentiment.scored` payload, exactly as the model answered it. */
      payload: PayloadOf<'sentiment.scored'>;
      /** The model's explanation (logged; not part of the payload). */
      reasoning: string;
    }
  | { status: 'abstained'; reason: SentimentAbstentionReason; detail: string };
