import type { z } from 'zod';
import { TaSignalEmitted } from './contract/ta-signal-emitted.ts';

/** What the technical-analysis agent produces: exactly the `ta.signal_emitted` payload. */
export const TaOutput = TaSignalEmitted.payload;
export type TaOutput = z.infer<typeof TaOutput>;
