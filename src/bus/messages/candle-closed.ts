import { CandleBar, withConsistentBar } from '../../model/candle.ts';
import { defineMessage } from '../define-message.ts';

/** A finished OHLCV bar for the message's symbol (the pair is in the envelope). */
export const CandleClosed = defineMessage({
  type: 'market.candle_closed',
  topic: 'market_data',
  description: 'A finished OHLCV bar; gap-filled bars repeat the previous close with zero volume',
  payload: withConsistentBar(CandleBar),
});
